//! The `imrdesk` binary: the workstation window, and the command line for batch work.

fn main() {}
