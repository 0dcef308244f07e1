"""The application: exchange engine, state, accelerator backends and driver, settlement, CLI."""
