//! Where a text speaks of: body regions and sides as records name them.
//!
//! One table for the extractor (a fact's region) and the sentence index (a
//! sentence's or a heading's region), so the two never disagree on what
//! "lumbar" or "left" means.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::fact::{BodyRegion, Side};

/// The body regions as words name them (longer phrases win).
pub const REGIONS: &[(BodyRegion, &[&str])] = &[
    (
        BodyRegion::Head,
        &[
            "head",
            "headache",
            "headaches",
            "scalp",
            "face",
            "facial",
            "jaw",
            "tmj",
            "temporomandibular",
        ],
    ),
    (
        BodyRegion::Cervical,
        &[
            "cervical",
            "cervical spine",
            "neck",
            "c-spine",
            "cervicothoracic",
            "cervical paraspinal",
            "cervical paraspinals",
            "trapezius",
            "trapezial",
        ],
    ),
    (
        BodyRegion::Thoracic,
        &[
            "thoracic",
            "thoracic spine",
            "mid back",
            "mid-back",
            "upper back",
            "t-spine",
            "thoracolumbar",
        ],
    ),
    (
        BodyRegion::Lumbar,
        &[
            "lumbar",
            "lumbar spine",
            "low back",
            "lower back",
            "lumbosacral",
            "l-spine",
            "sacroiliac",
            "lumbar paraspinal",
            "lumbar paraspinals",
            "sciatic",
            // Cauda equina signs are lumbosacral whatever the sentence
            // names: a "no saddle anesthesia" line is about the low back.
            "saddle anesthesia",
            "saddle anaesthesia",
            "saddle numbness",
            "saddle paresthesia",
            "cauda equina",
            "perineal",
            "perianal",
            "buttock",
            "buttocks",
            "gluteal",
            "back",
        ],
    ),
    (
        BodyRegion::Shoulder,
        &[
            "shoulder",
            "shoulders",
            "rotator cuff",
            "subacromial",
            "acromioclavicular",
            "glenohumeral",
            "supraspinatus",
            "infraspinatus",
            "biceps tendon",
            "scapula",
            "scapular",
        ],
    ),
    (
        BodyRegion::Elbow,
        &["elbow", "elbows", "epicondyle", "olecranon", "cubital"],
    ),
    (
        BodyRegion::WristHand,
        &[
            "wrist",
            "wrists",
            "hand",
            "hands",
            "finger",
            "fingers",
            "thumb",
            "thumbs",
            "forearm",
            "forearms",
            "carpal",
            "digit",
            "digits",
            "palm",
            "palmar",
            "metacarpal",
        ],
    ),
    (
        BodyRegion::Hip,
        &["hip", "hips", "groin", "pelvis", "pelvic"],
    ),
    (
        BodyRegion::Knee,
        &[
            "knee",
            "knees",
            "patella",
            "patellar",
            "patellofemoral",
            "meniscus",
            "tibial plateau",
        ],
    ),
    (
        BodyRegion::AnkleFoot,
        &[
            "ankle",
            "ankles",
            "foot",
            "feet",
            "heel",
            "heels",
            "toe",
            "toes",
            "plantar",
            "achilles",
            "calcaneus",
        ],
    ),
    (
        BodyRegion::Chest,
        &["chest", "rib", "ribs", "sternum", "thorax"],
    ),
    (
        BodyRegion::Abdomen,
        &[
            "abdomen",
            "abdominal",
            "stomach",
            "gastric",
            "inguinal",
            "hernia",
        ],
    ),
    (
        BodyRegion::Psyche,
        &[
            "psych",
            "psychiatric",
            "psychological",
            "psyche",
            "emotional",
            "mental",
        ],
    ),
];

/// Side words.
pub const SIDES: &[(Side, &[&str])] = &[
    (Side::Left, &["left"]),
    (Side::Right, &["right"]),
    (Side::Bilateral, &["bilateral", "bilaterally", "both"]),
];

/// Region and side words, one automaton.
pub enum Place {
    Region(BodyRegion),
    Side(Side),
}

pub static PLACES: LazyLock<Option<(AhoCorasick, Vec<Place>)>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut places = Vec::new();
    for (region, words) in REGIONS {
        for w in *words {
            patterns.push(*w);
            places.push(Place::Region(*region));
        }
    }
    for (side, words) in SIDES {
        for w in *words {
            patterns.push(*w);
            places.push(Place::Side(*side));
        }
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .ok()?;
    Some((automaton, places))
});
