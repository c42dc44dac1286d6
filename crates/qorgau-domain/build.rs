//! Embeds the legal data (`data/calendar/*.toml`, `data/regimes/*.toml`) into the
//! domain crate. Adding a year or a regime is adding a file: this script lists the
//! folders, so no Rust code names individual files.

use std::{env, fs, path::Path};

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let data_dir = Path::new(&manifest_dir).join("../../data");
    let mut generated = String::new();
    for (constant, folder) in [("CALENDAR_FILES", "calendar"), ("REGIME_FILES", "regimes")] {
        let folder_path = data_dir.join(folder);
        println!("cargo:rerun-if-changed={}", folder_path.display());
        let mut names: Vec<String> = fs::read_dir(&folder_path)
            .expect("the data folder is listable")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".toml"))
            .collect();
        names.sort();
        generated.push_str(&format!(
            "/// `(file name, contents)` of every file in `data/{folder}/`, sorted by name.\n\
             pub static {constant}: &[(&str, &str)] = &[\n"
        ));
        for name in names {
            let absolute = folder_path.join(&name);
            println!("cargo:rerun-if-changed={}", absolute.display());
            generated.push_str(&format!(
                "    ({name:?}, include_str!({path:?})),\n",
                path = absolute.display().to_string()
            ));
        }
        generated.push_str("];\n");
    }
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("embedded_data.rs"), generated)
        .expect("cannot write embedded_data.rs");
}
