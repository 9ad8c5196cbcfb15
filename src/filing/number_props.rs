//! Properties of number normalisation over generated numbers: what is displayed parses back to the
//! same number, and full-width forms (NFKC) and white space anywhere change nothing.

use proptest::prelude::*;

use super::{IcpKind, IcpNumber, PsbCode};

/// A well-formed number's text: province, register, serial, `号` and `-N` in the forms pages use.
fn number_text() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec!["京", "沪", "粤", "浙", "蜀", "川", "黔", "萌", ""]);
    let serial = "[0-9]{6,10}";
    let site = prop::option::of(1u32..=999);
    (prefix, 0..3u8, serial, site, any::<bool>()).prop_map(|(prefix, kind, serial, site, hao)| {
        let site_text = site.map(|s| format!("-{s}")).unwrap_or_default();
        match kind {
            0 => format!("{prefix}ICP备{serial}{}{site_text}", if hao { "号" } else { "" }),
            1 => format!(
                "{}ICP证{serial}{}{site_text}",
                if prefix.is_empty() { "京" } else { prefix },
                if hao { "号" } else { "" }
            ),
            _ => format!("{prefix}B2-{}{site_text}", &format!("{serial}00000000")[..8]),
        }
    })
}

/// ASCII to full width (`ICP` to `ＩＣＰ`), as pages typeset numbers.
fn full_width(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_graphic() { char::from_u32(c as u32 + 0xFEE0).unwrap_or(c) } else { c }).collect()
}

fn key(n: &IcpNumber) -> (Option<char>, IcpKind, String, Option<u32>, bool) {
    (n.prefix, n.kind, n.serial.clone(), n.site, n.has_hao)
}

proptest! {
    #[test]
    fn display_parses_back_to_the_same_number(text in number_text()) {
        let n = IcpNumber::parse(&text).expect("a generated number parses");
        prop_assert_eq!(n.to_string(), text.clone());
        let again = IcpNumber::parse(&n.to_string()).expect("its display parses");
        prop_assert_eq!(key(&again), key(&n));
    }

    #[test]
    fn full_width_forms_read_the_same(text in number_text()) {
        let n = IcpNumber::parse(&text).expect("parses");
        let wide = IcpNumber::parse(&full_width(&text)).expect("full width parses");
        prop_assert_eq!(key(&wide), key(&n));
    }

    #[test]
    fn white_space_anywhere_reads_the_same(
        text in number_text(),
        spaces in prop::collection::vec((any::<prop::sample::Index>(), prop::sample::select(vec![" ", "\u{a0}", "\u{3000}", "\n", "\t"])), 0..6),
    ) {
        let n = IcpNumber::parse(&text).expect("parses");
        let mut chars: Vec<String> = text.chars().map(String::from).collect();
        for (at, space) in spaces {
            let i = at.index(chars.len());
            chars[i].insert_str(0, space);
        }
        let spaced: String = chars.concat();
        let read = IcpNumber::parse(&spaced).expect("spaced parses");
        prop_assert_eq!(key(&read), key(&n));
    }

    #[test]
    fn psb_codes_read_the_same_in_every_form(digits in "[0-9]{14}", label in prop::sample::select(vec!["", "京公网安备", "公安备案号："])) {
        let plain = PsbCode::parse(&digits).expect("parses");
        prop_assert_eq!(plain.as_str(), digits.as_str());
        let shown = format!("{label} {} 号", full_width(&digits));
        prop_assert_eq!(PsbCode::parse(&shown).expect("shown form parses"), plain.clone());
        prop_assert_eq!(PsbCode::parse(plain.as_str()).expect("display parses"), plain);
    }
}
