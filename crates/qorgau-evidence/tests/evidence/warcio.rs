//! `warcio check` (webrecorder's warcio, from PyPI) on our WARC files: the
//! standard tool must find every record and every digest valid.
//!
//! The venv is `$HOME/.cache/qorgau/venv` (`.ci/run` installs warcio there).
//! Outside CI a missing warcio is installed into it, or the check is skipped
//! with a note; in CI (`CI=true`) a missing warcio fails the test.

use std::path::PathBuf;
use std::process::Command;

use qorgau_evidence::capture::Capture;
use qorgau_evidence::cas::{BlobStore, FsBlobStore};

fn venv() -> PathBuf {
    let home = std::env::var_os("HOME").unwrap_or_default();
    PathBuf::from(home).join(".cache/qorgau/venv")
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true")
}

/// The warcio command, installing it when missing.
pub fn warcio() -> Option<PathBuf> {
    let venv = venv();
    let warcio = venv.join("bin/warcio");
    if !warcio.exists() {
        if !venv.join("bin/python").exists() {
            let _ = Command::new("python3")
                .arg("-m")
                .arg("venv")
                .arg(&venv)
                .status();
        }
        let _ = Command::new(venv.join("bin/python"))
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "warcio",
            ])
            .status();
    }
    if warcio.exists() {
        return Some(warcio);
    }
    assert!(
        !in_ci(),
        "warcio is required in CI: {} is missing (.ci/run installs it)",
        warcio.display()
    );
    eprintln!("note: warcio is not installed; WARC validation skipped outside CI");
    None
}

/// Writes each capture's WARC to a file and runs `warcio check -v` on it.
pub fn check(blobs: &FsBlobStore, captures: &[&Capture]) {
    let Some(warcio) = warcio() else { return };
    let folder = tempfile::tempdir().unwrap();
    for (number, capture) in captures.iter().enumerate() {
        let path = folder.path().join(format!("capture-{number}.warc.gz"));
        std::fs::write(&path, blobs.get(&capture.warc_digest).unwrap()).unwrap();
        let output = Command::new(&warcio)
            .arg("check")
            .arg("-v")
            .arg(&path)
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "warcio check failed for {}:\n{report}",
            capture.requested_url
        );
        // Every record with digests had them checked and passed.
        assert!(report.contains("digest pass"), "{report}");
        assert!(!report.contains("fail"), "{report}");
        let records = Command::new(&warcio)
            .arg("index")
            .arg(&path)
            .output()
            .unwrap();
        let index = String::from_utf8_lossy(&records.stdout);
        for record_type in ["warcinfo", "request", "response", "metadata"] {
            assert!(
                index.contains(&format!("\"warc-type\": \"{record_type}\"")),
                "{record_type} missing from {index}"
            );
        }
    }
}
