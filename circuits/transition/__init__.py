"""The exchange's batch transition: its public-data format (:mod:`.pubdata`) and circuit."""
