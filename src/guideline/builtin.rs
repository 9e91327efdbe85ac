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
    "acupuncture.ron",
    "antidepressants.ron",
    "antiepileptics.ron",
    "associated-services.ron",
    "barbiturate-analgesics.ron",
    "benzodiazepines.ron",
    "biofeedback.ron",
    "braces.ron",
    "celecoxib.ron",
    "coagulation-tests.ron",
    "cold-therapy.ron",
    "compounded-oral.ron",
    "durable-medical-equipment.ron",
    "electrodiagnostics.ron",
    "epidural-steroid-injection.ron",
    "facet-injections.ron",
    "functional-capacity-evaluation.ron",
    "gastric-protection.ron",
    "gym-membership.ron",
    "home-health.ron",
    "imaging-ankle-foot.ron",
    "imaging-elbow.ron",
    "imaging-general.ron",
    "imaging-hip.ron",
    "imaging-knee.ron",
    "imaging-low-back.ron",
    "imaging-neck.ron",
    "imaging-shoulder.ron",
    "imaging-wrist-hand.ron",
    "joint-injections.ron",
    "laxatives.ron",
    "lumbar-support.ron",
    "manual-therapy.ron",
    "medication-other.ron",
    "muscle-relaxants.ron",
    "nsaids.ron",
    "office-visits.ron",
    "opioids-postoperative.ron",
    "opioids.ron",
    "other-services.ron",
    "passive-modalities.ron",
    "physical-medicine.ron",
    "platelet-rich-plasma.ron",
    "postoperative-therapy.ron",
    "preoperative-testing.ron",
    "psychological-treatment.ron",
    "sleep-aids.ron",
    "surgery-general.ron",
    "surgery-knee.ron",
    "surgery-low-back.ron",
    "surgery-neck.ron",
    "surgery-shoulder.ron",
    "surgery-wrist-hand.ron",
    "tens.ron",
    "topical-analgesics.ron",
    "topical-lidocaine.ron",
    "topical-nsaids.ron",
    "transportation.ron",
    "trigger-point-injections.ron",
    "ultrasound-therapy.ron",
    "urine-drug-testing.ron",
];
