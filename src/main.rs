//! The `imrdesk` binary: the workstation window, and the command line for batch work.

fn main() -> std::process::ExitCode {
    imrdesk::cli::main()
}
