//! `-e`/`--remap-exit`: chosen exit codes reported as 0.
use super::*;

#[test]
fn remap_exit_reports_chosen_codes_as_0() {
    let table: &[(&str, &[&str], &[(&str, &str)], &str, i32)] = &[
        ("nanoinit", &[], &[], "kill -TERM $$", 143),
        ("nanoinit", &["-e", "143"], &[], "kill -TERM $$", 0),
        ("tini", &["-e", "143"], &[], "exit 143", 0),
        ("dumb-init", &["--remap-exit=143"], &[], "exit 143", 0),
        ("tini", &["-e143", "-e", "3"], &[], "exit 3", 0),
        ("nanoinit", &["-e", "143"], &[], "exit 3", 3),
        ("nanoinit", &[], &[("NANOINIT_REMAP_EXIT", "3,4")], "exit 4", 0),
        ("tini", &["-e", "0"], &[], "exit 0", 0),
        ("tini", &["-e", "255"], &[], "exit 255", 0),
    ];
    for mode in MODES {
        let lab = Lab::new("remap", mode);
        for (exe, args, env, script, want) in table {
            let mut argv = args.to_vec();
            argv.extend(["--", "sh", "-c", script]);
            let o = lab.run(exe, &argv, env);
            assert_eq!(o.code, *want, "{mode:?} {exe} {argv:?} {env:?}: {o:?}");
        }
    }
}
