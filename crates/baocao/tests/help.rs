//! What the command prints for help and usage errors is Vietnamese: no clap English headings.

use std::process::Command;

fn run(args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_baocao"))
        .args(args)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr);
    (o.status.code(), text)
}

const ENGLISH: &[&str] = &[
    "Usage",
    "Options:",
    "Arguments:",
    "Commands:",
    "Print help",
    "[default:",
    "error:",
    "For more information",
];

#[test]
fn help_of_every_command_is_vietnamese() {
    for args in [
        vec!["--help"],
        vec!["validate", "--help"],
        vec!["render", "--help"],
        vec!["import", "--help"],
        vec!["sample", "--help"],
        vec!["demo", "--help"],
        vec!["sign", "--help"],
        vec!["verify", "--help"],
        vec!["template", "--help"],
        vec!["template", "check", "--help"],
    ] {
        let (code, text) = run(&args);
        assert_eq!(code, Some(0), "{args:?}");
        assert!(text.contains("Cách dùng:"), "{args:?}: {text}");
        for e in ENGLISH {
            assert!(!text.contains(e), "{args:?} shows “{e}”:\n{text}");
        }
    }
}

#[test]
fn usage_errors_are_vietnamese() {
    for (args, want) in [
        (vec!["frob"], "không có lệnh “frob”"),
        (vec!["render"], "thiếu tham số bắt buộc"),
        (
            vec!["sample", "--province", "02", "--seed", "x"],
            "giá trị “x” không hợp lệ",
        ),
        (vec!["validate", "--khong"], "không có tham số “--khong”"),
        (vec!["import", "x.docx"], "thiếu tham số bắt buộc"),
    ] {
        let (code, text) = run(&args);
        assert_eq!(code, Some(2), "{args:?}");
        assert!(text.contains(want), "{args:?}: {text}");
        for e in ENGLISH {
            assert!(!text.contains(e), "{args:?} shows “{e}”:\n{text}");
        }
    }
}
