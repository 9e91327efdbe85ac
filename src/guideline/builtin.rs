//! The guideline files compiled into the binary, so the program works from
//! any directory. Add a file here when adding one to `assets/guidelines/`
//! (a test checks that every file in the folder is listed).

macro_rules! guideline_files {
    ($($name:literal),* $(,)?) => {
        /// (file name, text) of every built-in guideline.
        pub(super) const FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../assets/guidelines/", $name)))),*
        ];
        /// The names of the built-in files, for the completeness test.
        pub(super) const NAMES: &[&str] = &[$($name),*];
    };
}

guideline_files![
    "imaging-low-back.ron",
];
