# Stand-ins for the Vivado commands zkel's build.tcl uses, for tests without Vivado.
#
# Each command checks what it is given (cells exist, pins are pins those IPs have,
# files exist) and errors otherwise; the build's "outputs" are dummies: a .bit in
# the impl_1 run directory, a .hwh listing the block design's cells, report files.
# Every call is appended to $::mock_trace (one Tcl list per line) for the tests.

set ::cells [dict create]
set ::project_dir ""
set ::project_name ""
set ::verilog ""

# Pins (and interface pins) of the IPs the build uses, by IP name; "*" marks
# pins numbered up to the configured count.
set ::ip_pins [dict create \
    processing_system7 {FCLK_CLK0 FCLK_RESET0_N M_AXI_GP0 M_AXI_GP0_ACLK S_AXI_HP0 S_AXI_HP0_ACLK IRQ_F2P DDR FIXED_IO} \
    zynq_ultra_ps_e {pl_clk0 pl_resetn0 M_AXI_HPM0_FPD maxihpm0_fpd_aclk S_AXI_HP0_FPD saxihp0_fpd_aclk pl_ps_irq0} \
    proc_sys_reset {slowest_sync_clk ext_reset_in peripheral_aresetn interconnect_aresetn} \
    axi_dma {S_AXI_LITE M_AXI_MM2S M_AXI_S2MM M_AXIS_MM2S S_AXIS_S2MM s_axi_lite_aclk m_axi_mm2s_aclk m_axi_s2mm_aclk axi_resetn mm2s_introut s2mm_introut} \
    smartconnect {aclk aresetn S*_AXI M*_AXI} \
    axi_interconnect {ACLK ARESETN S*_AXI S*_ACLK S*_ARESETN M*_AXI M*_ACLK M*_ARESETN} \
    xlconcat {In* dout} \
]

proc trace {args} {
    set f [open $::mock_trace a]
    puts $f [list {*}$args]
    close $f
}

proc version {args} { return 2022.2 }
proc current_project {} { return project }
proc current_fileset {} { return sources_1 }
proc update_compile_order {args} {}
proc validate_bd_design {} { trace validate_bd_design }
proc save_bd_design {} { trace save_bd_design }
proc open_run {run} {}
proc get_runs {run} { return $run }
proc get_files {name} { return $name }
proc wait_on_run {run} {}
proc get_timing_paths {args} { return path0 }

proc create_project {args} {
    trace create_project {*}$args
    set positional [lsearch -all -inline -not -glob [lrange $args 0 end-2] -*]
    lassign $positional ::project_name ::project_dir
    file mkdir $::project_dir
}

proc get_board_parts {args} {
    trace get_board_parts {*}$args
    return [string map {* 1.0} [lindex $args end]]
}

proc set_property {args} { trace set_property {*}$args }

proc add_files {args} {
    set path [lindex $args end]
    if {![file exists $path]} { error "add_files: no file $path" }
    if {[string match *.v $path]} { set ::verilog $path }
    trace add_files {*}$args
}

proc create_bd_design {name} { set ::bd $name; trace create_bd_design $name }

proc get_ipdefs {args} {
    if {![regexp {xilinx\.com:ip:([a-z0-9_]+):} [lindex $args end] -> name]} {
        error "get_ipdefs: unexpected filter $args"
    }
    return [list xilinx.com:ip:${name}:1.0 xilinx.com:ip:${name}:9.9]
}

# Ports of Verilog module `module` (its own declarations only, not its submodules').
proc module_pins {module} {
    set f [open $::verilog]
    set text [read $f]
    close $f
    if {![regexp -indices "module ${module}\\s*\\(" $text start]} {
        error "module reference: no module $module in $::verilog"
    }
    set end [string first endmodule $text [lindex $start 1]]
    set body [string range $text [lindex $start 0] $end]
    set pins {}
    foreach {- name} [regexp -all -inline -line {^\s*(?:input|output)\s+(?:wire\s+|reg\s+)?(?:\[[^\]]*\]\s*)?(\w+)\s*;} $body] {
        lappend pins $name
        foreach bus {s_axil s_axis m_axis} {
            if {[string match ${bus}_* $name] && $bus ni $pins} { lappend pins $bus }
        }
    }
    return $pins
}

proc create_bd_cell {args} {
    set name [lindex $args end]
    set type [lindex $args [expr {[lsearch $args -type] + 1}]]
    if {$type eq "module"} {
        set ref [lindex $args [expr {[lsearch $args -reference] + 1}]]
        dict set ::cells $name [dict create kind module ref $ref pins [module_pins $ref]]
    } else {
        set vlnv [lindex $args [expr {[lsearch $args -vlnv] + 1}]]
        set ip [lindex [split $vlnv :] 2]
        if {![dict exists $::ip_pins $ip]} { error "create_bd_cell: IP $ip not in the mock" }
        dict set ::cells $name [dict create kind ip ref $vlnv pins [dict get $::ip_pins $ip]]
    }
    trace create_bd_cell {*}$args
    return $name
}

proc check_pin {path} {
    lassign [split $path /] cell pin
    if {![dict exists $::cells $cell]} { error "no cell $cell (pin $path)" }
    foreach pattern [dict get $::cells $cell pins] {
        if {[string match $pattern $pin]} { return $path }
    }
    error "cell $cell ([dict get $::cells $cell ref]) has no pin $pin"
}

proc get_bd_cells {name} {
    if {![dict exists $::cells $name]} { error "no cell $name" }
    return $name
}
proc get_bd_pins {path} { return [check_pin $path] }
proc get_bd_intf_pins {path} { return [check_pin $path] }
proc get_bd_addr_spaces {path} { get_bd_cells [lindex [split $path /] 0]; return $path }
proc get_bd_addr_segs {path} { check_pin [join [lrange [split $path /] 0 1] /]; return $path }

proc apply_bd_automation {args} { trace apply_bd_automation {*}$args }
proc connect_bd_net {args} { trace connect_bd_net {*}$args }
proc connect_bd_intf_net {a b} { trace connect_bd_intf_net $a $b }
proc assign_bd_address {args} { trace assign_bd_address {*}$args }

proc generate_target {args} {
    set dir [file join $::project_dir $::project_name.gen sources_1 bd $::bd hw_handoff]
    file mkdir $dir
    set f [open [file join $dir $::bd.hwh] w]
    puts $f "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    puts $f "<EDKSYSTEM><MODULES>"
    foreach cell [dict keys $::cells] {
        puts $f "  <MODULE INSTANCE=\"$cell\" VLNV=\"[dict get $::cells $cell ref]\"/>"
    }
    puts $f "</MODULES></EDKSYSTEM>"
    close $f
    trace generate_target {*}$args
}

proc make_wrapper {args} {
    set path [file join $::project_dir ${::bd}_wrapper.v]
    close [open $path w]
    return $path
}

proc launch_runs {run args} {
    trace launch_runs $run {*}$args
    set dir [get_property DIRECTORY $run]
    file mkdir $dir
    if {$run eq "impl_1"} {
        set f [open [file join $dir ${::bd}_wrapper.bit] w]
        puts -nonewline $f "mock bitstream of $::project_name"
        close $f
    }
}

proc get_property {name object} {
    switch -- $name {
        PROGRESS { return 100% }
        DIRECTORY { return [file join $::project_dir $::project_name.runs $object] }
        SLACK { return 0.125 }
        default { error "get_property: $name not in the mock" }
    }
}

proc report_utilization {args} { report_file $args }
proc report_timing_summary {args} { report_file $args }
proc report_file {arglist} {
    set path [lindex $arglist [expr {[lsearch $arglist -file] + 1}]]
    set f [open $path w]
    puts $f "mock report"
    close $f
}
