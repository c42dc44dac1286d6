//! Embeds every `locales/<lang>/*.ftl` file, so adding a message file needs no code.

use std::{env, fs, path::Path};

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let locales = Path::new(&manifest_dir).join("../../locales");
    println!("cargo:rerun-if-changed={}", locales.display());
    let mut generated = String::from(
        "/// `(language tag, file name, contents)` of every Fluent file.\npub static FTL_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for language in ["kk", "ru", "en"] {
        let folder = locales.join(language);
        println!("cargo:rerun-if-changed={}", folder.display());
        let mut names: Vec<String> = fs::read_dir(&folder)
            .expect("the locales folder is listable")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".ftl"))
            .collect();
        names.sort();
        for name in names {
            let path = folder.join(&name);
            println!("cargo:rerun-if-changed={}", path.display());
            generated.push_str(&format!(
                "    ({language:?}, {name:?}, include_str!({:?})),\n",
                path.display().to_string()
            ));
        }
    }
    generated.push_str("];\n");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    fs::write(Path::new(&out_dir).join("ftl_files.rs"), generated).expect("write ftl_files.rs");
}
