"""Board definitions, Vivado block-design and build Tcl generators, resource reports."""
