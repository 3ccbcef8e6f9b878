//! ITU-T G.711 μ-law and A-law, to and from 16-bit linear PCM.
//!
//! Both laws quantise a magnitude into one of 8 segments of 16 steps each, the step doubling
//! from one segment to the next (G.711 §2, Tables 1 and 2). μ-law works on a 14-bit magnitude
//! (the 16-bit sample shifted right by 2), A-law on a 13-bit one (shifted by 3). On the line,
//! every μ-law bit is inverted, and the even bits of an A-law character are inverted (XOR
//! 0x55). The sign bit is 1 for positive values in both laws as transmitted.
//!
//! Decoded values are the segment's reconstruction level (the middle of the decision
//! interval), scaled back to 16 bits. Encoding clips at the law's largest level.

/// μ-law bias in the 14-bit domain: adding it makes every segment start at a power of two.
const MU_BIAS: i32 = 33;
/// Largest 14-bit μ-law magnitude that does not overflow segment 7 once biased.
const MU_CLIP: i32 = 8158;

/// Encodes one 16-bit sample as a μ-law character.
pub fn linear_to_ulaw(sample: i16) -> u8 {
    let x = sample as i32 >> 2; // 14-bit
    let (sign, mag) = if x < 0 { (0x80u8, -x) } else { (0u8, x) };
    let biased = mag.min(MU_CLIP) + MU_BIAS; // 33..=8191: 6..=13 bits
    let top = 31 - (biased as u32).leading_zeros(); // index of the highest set bit, 5..=12
    let segment = top - 5;
    let step_bits = (biased >> (segment + 1)) & 0x0F;
    !(sign | (segment as u8) << 4 | step_bits as u8)
}

/// Decodes one μ-law character to a 16-bit sample.
pub fn ulaw_to_linear(code: u8) -> i16 {
    let c = !code;
    let segment = (c >> 4) & 0x07;
    let step = (c & 0x0F) as i32;
    let mag = (((step << 1) + MU_BIAS) << segment) - MU_BIAS; // 14-bit level, 0..=8031
                                                              // -0 (0x7F) decodes to 0 like +0 (0xFF).
    ((if c & 0x80 != 0 { -mag } else { mag }) << 2) as i16
}

/// Encodes one 16-bit sample as an A-law character.
pub fn linear_to_alaw(sample: i16) -> u8 {
    let x = sample as i32 >> 3; // 13-bit
    let (sign, mag) = if x < 0 { (0u8, -x - 1) } else { (0x80u8, x) };
    let mag = mag.min(4095);
    let (segment, step_bits) = if mag < 32 {
        (0u32, (mag >> 1) as u8)
    } else {
        let top = 31 - (mag as u32).leading_zeros(); // 5..=11
        let segment = top - 4;
        (segment, ((mag >> (segment)) & 0x0F) as u8)
    };
    (sign | (segment as u8) << 4 | step_bits) ^ 0x55
}

/// Decodes one A-law character to a 16-bit sample.
pub fn alaw_to_linear(code: u8) -> i16 {
    let c = code ^ 0x55;
    let segment = (c >> 4) & 0x07;
    let step = (c & 0x0F) as i32;
    let mag = if segment == 0 {
        (step << 1) + 1
    } else {
        ((step << 1) + 33) << (segment - 1)
    }; // 13-bit level, 1..=4032
    let mag = mag << 3;
    (if c & 0x80 != 0 { mag } else { -mag }) as i16
}

/// Decodes a buffer of μ-law characters into `out` (appended).
pub fn decode_ulaw(codes: &[u8], out: &mut Vec<i16>) {
    out.extend(codes.iter().map(|&c| ulaw_to_linear(c)));
}

/// Decodes a buffer of A-law characters into `out` (appended).
pub fn decode_alaw(codes: &[u8], out: &mut Vec<i16>) {
    out.extend(codes.iter().map(|&c| alaw_to_linear(c)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// G.711 Table 2 (μ-law): per segment, the decoder output of step 0 and the step size,
    /// in the 14-bit domain (segment 0 starts with the half-width interval around 0).
    const MU_TABLE: [(i32, i32); 8] = [
        (0, 2),
        (33, 4),
        (99, 8),
        (231, 16),
        (495, 32),
        (1023, 64),
        (2079, 128),
        (4191, 256),
    ];
    /// G.711 Table 1 (A-law): the same in the 13-bit domain.
    const A_TABLE: [(i32, i32); 8] = [
        (1, 2),
        (33, 2),
        (66, 4),
        (132, 8),
        (264, 16),
        (528, 32),
        (1056, 64),
        (2112, 128),
    ];

    /// The standard's decoder output for a transmitted character, in 16-bit units.
    fn mu_reference(code: u8) -> i32 {
        let c = !code;
        let (first, step) = MU_TABLE[((c >> 4) & 7) as usize];
        let level = first + step * (c & 0x0F) as i32;
        (if c & 0x80 != 0 { -level } else { level }) * 4
    }

    fn a_reference(code: u8) -> i32 {
        let c = code ^ 0x55;
        let (first, step) = A_TABLE[((c >> 4) & 7) as usize];
        let level = first + step * (c & 0x0F) as i32;
        (if c & 0x80 != 0 { level } else { -level }) * 8
    }

    #[test]
    fn every_code_decodes_to_the_standard_level_and_round_trips() {
        for code in 0..=255u8 {
            assert_eq!(
                ulaw_to_linear(code) as i32,
                mu_reference(code),
                "μ-law {code:#04x}"
            );
            assert_eq!(
                alaw_to_linear(code) as i32,
                a_reference(code),
                "A-law {code:#04x}"
            );
            // A-law has no negative zero: every character round-trips.
            assert_eq!(linear_to_alaw(alaw_to_linear(code)), code, "A-law {code:#04x}");
            // μ-law -0 (0x7F) decodes to 0, which encodes as +0 (0xFF); all others round-trip.
            let back = linear_to_ulaw(ulaw_to_linear(code));
            if code == 0x7F {
                assert_eq!(back, 0xFF);
            } else {
                assert_eq!(back, code, "μ-law {code:#04x}");
            }
        }
        // Spot values from the tables: the largest levels and the sign conventions.
        assert_eq!(ulaw_to_linear(0x80), 8031 * 4);
        assert_eq!(ulaw_to_linear(0x00), -8031 * 4);
        assert_eq!(ulaw_to_linear(0xFF), 0);
        assert_eq!(alaw_to_linear(0xAA), 4032 * 8);
        assert_eq!(alaw_to_linear(0x2A), -4032 * 8);
        assert_eq!(alaw_to_linear(0xD5), 8);
        assert_eq!(alaw_to_linear(0x55), -8);
    }

    /// Every 16-bit input encodes to the code whose decision interval (G.711: the levels'
    /// midpoints; μ-law's first interval is [0, 1)) holds its magnitude at the law's
    /// resolution, with the input's sign; magnitudes past the last interval clip to it.
    #[test]
    fn every_input_encodes_into_its_decision_interval() {
        for x in i16::MIN..=i16::MAX {
            // μ-law: 14 bits, magnitude |x|.
            let x14 = x as i32 >> 2;
            let code = linear_to_ulaw(x);
            let c = !code;
            let (first, step) = MU_TABLE[((c >> 4) & 7) as usize];
            let level = first + step * (c & 0x0F) as i32;
            let mag = x14.abs();
            let lo = (level - step / 2).max(0);
            let hi = if level == 8031 { i32::MAX } else { level + step / 2 };
            assert!(
                (lo..hi).contains(&mag),
                "μ-law {x}: {code:#04x} level {level}, [{lo}, {hi})"
            );
            assert!(level == 0 || (c & 0x80 != 0) == (x14 < 0), "μ-law sign of {x}");
            // A-law: 13 bits, magnitude of the one's complement for negative values.
            let x13 = x as i32 >> 3;
            let code = linear_to_alaw(x);
            let c = code ^ 0x55;
            let (first, step) = A_TABLE[((c >> 4) & 7) as usize];
            let level = first + step * (c & 0x0F) as i32;
            let mag = if x13 < 0 { -x13 - 1 } else { x13 };
            let lo = level - step / 2;
            let hi = if level == 4032 { i32::MAX } else { level + step / 2 };
            assert!(
                (lo..hi).contains(&mag),
                "A-law {x}: {code:#04x} level {level}, [{lo}, {hi})"
            );
            assert_eq!(c & 0x80 != 0, x13 >= 0, "A-law sign of {x}");
        }
    }
}
