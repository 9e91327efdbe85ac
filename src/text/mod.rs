//! The one text toolkit every layer reads through: de-wrapping and sentences
//! ([`wrap`]), dates ([`dates`]), certainty ([`certainty`]), body regions
//! and sides ([`anatomy`]), phrase matching ([`phrase`]) and the annotated
//! sentence index of a case ([`index`]).
//!
//! The extractor's facts and the engine's phrase rules read the same
//! sentences with the same certainty, so a finding is never negated for one
//! and affirmed for the other.

pub mod anatomy;
pub mod certainty;
pub mod dates;
pub mod identifiers;
pub mod index;
pub mod phrase;
pub mod wrap;

pub use index::{Sentence, SentenceIndex, Source};
pub use phrase::{Phrases, find_term};
pub use wrap::{OffsetMap, dewrap, sentences};

/// A count with its noun in the right number ("1 case", "3 cases"), so the
/// engine's notes and the window's status lines read as sentences.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A count written as a word or in digits ("twelve", "12"). Records and
/// requests spell out small numbers; every reader of counts shares this list.
pub fn number_word(word: &str) -> Option<u32> {
    let n = match word.to_ascii_lowercase().as_str() {
        "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "eighteen" => 18,
        "twenty" => 20,
        "twenty-four" => 24,
        digits => return digits.parse().ok(),
    };
    Some(n)
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn counts_take_the_noun_in_the_right_number() {
        assert_eq!(counted(0, "case", "cases"), "0 cases");
        assert_eq!(counted(1, "case", "cases"), "1 case");
        assert_eq!(counted(2, "letter", "letters"), "2 letters");
    }
}
