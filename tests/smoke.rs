//! The three checks every build must pass, as PID 1 and as a subreaper.
mod common;
use common::*;

#[test]
fn exit_code_passes_through() {
    for mode in MODES {
        assert_eq!(run(mode, &["sh", "-c", "exit 7"]).code, 7, "{mode:?}");
    }
}

#[test]
fn killed_child_is_128_plus_n() {
    for mode in MODES {
        assert_eq!(run(mode, &["sh", "-c", "kill -9 $$"]).code, 137, "{mode:?}");
    }
}

#[test]
fn missing_program_is_127_with_message() {
    for mode in MODES {
        let o = run(mode, &["--", "no-such-program-xyz"]);
        assert_eq!(o.code, 127, "{mode:?}");
        assert_eq!(o.stderr, "nanoinit: cannot run 'no-such-program-xyz': No such file or directory\n");
    }
}
