//! The EXIF block itself: a TIFF structure (header, IFD0 → Exif/GPS sub-IFDs, IFD1).
//!
//! Every edit here keeps the block's length and every offset in it, so the same function serves
//! containers that can be rewritten (JPEG, PNG, WebP) and those whose items are addressed by
//! absolute offsets (HEIF/AVIF via `iloc`). Removing the location takes the GPSInfo pointer
//! (tag 0x8825) out of IFD0 (the following entries move up by one, the freed 12 bytes become
//! zeros) and zeroes the GPS IFD and every value it pointed to. Removing everything keeps only
//! the Orientation tag (0x0112), so a phone photo still shows upright. Bounds are checked on
//! every read: a malformed block is reported, never trusted.

/// Tags by their EXIF names (CIPA DC-008).
pub const TAG_ORIENTATION: u16 = 0x0112;
pub const TAG_GPS_INFO: u16 = 0x8825;

/// What a TIFF block says about itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TiffFacts {
    /// IFD0 points to a GPS IFD with at least one entry.
    pub has_location: bool,
    /// Orientation (1–8) as recorded; `None` when absent or out of range.
    pub orientation: Option<u16>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Little,
    Big,
}

struct Tiff<'a> {
    b: &'a mut [u8],
    order: Order,
}

/// Bytes of one value of each TIFF field type (1 BYTE … 13 IFD); 0 = unknown type.
fn type_size(t: u16) -> u64 {
    match t {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 | 13 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

impl<'a> Tiff<'a> {
    fn new(b: &'a mut [u8]) -> Option<Tiff<'a>> {
        if b.len() < 8 {
            return None;
        }
        let order = match b.get(0..4)? {
            [b'I', b'I', 42, 0] => Order::Little,
            [b'M', b'M', 0, 42] => Order::Big,
            _ => return None,
        };
        Some(Tiff { b, order })
    }
    fn u16(&self, at: usize) -> Option<u16> {
        let s: [u8; 2] = self.b.get(at..at + 2)?.try_into().ok()?;
        Some(match self.order {
            Order::Little => u16::from_le_bytes(s),
            Order::Big => u16::from_be_bytes(s),
        })
    }
    fn u32(&self, at: usize) -> Option<u32> {
        let s: [u8; 4] = self.b.get(at..at + 4)?.try_into().ok()?;
        Some(match self.order {
            Order::Little => u32::from_le_bytes(s),
            Order::Big => u32::from_be_bytes(s),
        })
    }
    fn put_u16(&mut self, at: usize, v: u16) {
        let bytes = match self.order {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        };
        self.b[at..at + 2].copy_from_slice(&bytes);
    }
    fn put_u32(&mut self, at: usize, v: u32) {
        let bytes = match self.order {
            Order::Little => v.to_le_bytes(),
            Order::Big => v.to_be_bytes(),
        };
        self.b[at..at + 4].copy_from_slice(&bytes);
    }
    fn zero(&mut self, at: usize, len: usize) {
        if let Some(s) = self.b.get_mut(at..at.saturating_add(len)) {
            s.fill(0);
        }
    }
    /// An IFD's entry count, if the whole IFD (count, entries, next pointer) is inside.
    fn ifd(&self, at: usize) -> Option<usize> {
        let n = self.u16(at)? as usize;
        (at + 2 + 12 * n + 4 <= self.b.len()).then_some(n)
    }
    /// Entry `i` of the IFD at `at`: (tag, type, count, offset of the value field).
    fn entry(&self, at: usize, i: usize) -> Option<(u16, u16, u32, usize)> {
        let e = at + 2 + 12 * i;
        Some((self.u16(e)?, self.u16(e + 2)?, self.u32(e + 4)?, e + 8))
    }
    /// Where an entry's values live and how long they are (inline in the entry when ≤ 4 bytes).
    fn value_span(&self, ty: u16, count: u32, field: usize) -> Option<(usize, usize, bool)> {
        let len = type_size(ty).checked_mul(count as u64)?;
        if len <= 4 {
            return Some((field, len as usize, true));
        }
        let at = self.u32(field)? as usize;
        let end = (at as u64).checked_add(len)?;
        (end <= self.b.len() as u64).then_some((at, len as usize, false))
    }
    fn ifd0(&self) -> Option<usize> {
        let at = self.u32(4)? as usize;
        (at >= 8).then_some(at)
    }
    fn find(&self, ifd: usize, tag: u16) -> Option<(usize, u16, u32, usize)> {
        let n = self.ifd(ifd)?;
        (0..n).find_map(|i| {
            let (t, ty, c, f) = self.entry(ifd, i)?;
            (t == tag).then_some((i, ty, c, f))
        })
    }
    fn orientation(&self) -> Option<u16> {
        let (_, ty, count, f) = self.find(self.ifd0()?, TAG_ORIENTATION)?;
        if ty != 3 || count < 1 {
            return None;
        }
        self.u16(f).filter(|o| (1..=8).contains(o))
    }
    fn gps_ifd(&self) -> Option<(usize, usize)> {
        let (i, _, _, f) = self.find(self.ifd0()?, TAG_GPS_INFO)?;
        Some((i, self.u32(f)? as usize))
    }
    fn facts(&self) -> TiffFacts {
        let has_location = self
            .gps_ifd()
            .and_then(|(_, at)| self.ifd(at))
            .is_some_and(|n| n > 0);
        TiffFacts {
            has_location,
            orientation: self.orientation(),
        }
    }

    /// Take entry `i` out of the IFD at `at`: later entries and the next-IFD pointer move up.
    fn remove_entry(&mut self, at: usize, i: usize) {
        let Some(n) = self.ifd(at) else { return };
        let start = at + 2 + 12 * i;
        let end = at + 2 + 12 * n + 4;
        self.b.copy_within(start + 12..end, start);
        self.zero(end - 12, 12);
        self.put_u16(at, (n - 1) as u16);
    }

    fn remove_location(&mut self) -> bool {
        let Some((i, gps)) = self.gps_ifd() else {
            return false;
        };
        let ifd0 = self.ifd0().unwrap_or(8);
        let ifd0_end = ifd0 + self.ifd(ifd0).map_or(0, |n| 2 + 12 * n + 4);
        if let Some(n) = self.ifd(gps).filter(|_| gps >= 8) {
            for k in 0..n {
                if let Some((_, ty, c, f)) = self.entry(gps, k) {
                    if let Some((vat, vlen, false)) = self.value_span(ty, c, f) {
                        // Never zero the header or IFD0, which a bogus pointer might name.
                        if vat >= 8 && !(vat < ifd0_end && vat + vlen > ifd0) {
                            self.zero(vat, vlen);
                        }
                    }
                }
            }
            self.zero(gps, 2 + 12 * n + 4);
        }
        self.remove_entry(ifd0, i);
        true
    }

    /// Keep only the Orientation: IFD0 becomes one entry (or none), all else is zeroed.
    fn keep_only_orientation(&mut self) {
        let orientation = self.orientation();
        let ifd0 = self.ifd0().filter(|&a| self.ifd(a).is_some());
        let len = self.b.len();
        self.zero(8, len - 8);
        let Some(at) = ifd0 else {
            self.put_u32(4, 0);
            return;
        };
        match orientation {
            Some(o) => {
                self.put_u16(at, 1);
                self.put_u16(at + 2, TAG_ORIENTATION);
                self.put_u16(at + 4, 3);
                self.put_u32(at + 6, 1);
                self.put_u16(at + 10, o);
            }
            None => self.put_u16(at, 0),
        }
    }

    fn set_orientation(&mut self, o: u16) {
        if let Some((_, 3, c, f)) = self.ifd0().and_then(|a| self.find(a, TAG_ORIENTATION)) {
            if c >= 1 {
                self.put_u16(f, o);
            }
        }
    }
}

/// What to take out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strip {
    /// The GPS IFD (latitude, longitude, altitude, direction, …).
    Location,
    /// Everything but the Orientation.
    All,
}

/// Read a TIFF block's facts; `None` when it is not one.
pub fn facts(block: &[u8]) -> Option<TiffFacts> {
    let mut whole = block.to_vec();
    Some(Tiff::new(&mut whole)?.facts())
}

/// Strip `what` from the TIFF block in place (same length); its facts before the edit, or
/// `None` when the block is not TIFF (left untouched).
pub fn strip(block: &mut [u8], what: Strip) -> Option<TiffFacts> {
    let mut t = Tiff::new(block)?;
    let before = t.facts();
    match what {
        Strip::Location => {
            t.remove_location();
        }
        Strip::All => t.keep_only_orientation(),
    }
    Some(before)
}

/// Set the Orientation tag to `o` where it exists (a prepared copy already has it applied).
pub fn set_orientation(block: &mut [u8], o: u16) {
    if let Some(mut t) = Tiff::new(block) {
        t.set_orientation(o);
    }
}

/// A minimal big-endian TIFF block holding only an Orientation tag.
pub fn minimal(orientation: u16) -> Vec<u8> {
    let mut v = b"MM\0\x2a\0\0\0\x08\0\x01".to_vec();
    v.extend_from_slice(&TAG_ORIENTATION.to_be_bytes());
    v.extend_from_slice(&3u16.to_be_bytes());
    v.extend_from_slice(&1u32.to_be_bytes());
    v.extend_from_slice(&orientation.to_be_bytes());
    v.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    v
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A little-endian TIFF: IFD0 {Make "Wixdrop", Orientation o, GPSInfo →} and a GPS IFD
    /// {LatitudeRef "N", Latitude 3 rationals}.
    pub fn sample(orientation: u16) -> Vec<u8> {
        let mut v = vec![b'I', b'I', 42, 0, 8, 0, 0, 0];
        // IFD0 at 8: 3 entries → ends at 8 + 2 + 36 + 4 = 50; "Wixdrop\0" at 50; GPS IFD at 58.
        v.extend_from_slice(&3u16.to_le_bytes());
        let entry = |v: &mut Vec<u8>, tag: u16, ty: u16, count: u32, val: u32| {
            v.extend_from_slice(&tag.to_le_bytes());
            v.extend_from_slice(&ty.to_le_bytes());
            v.extend_from_slice(&count.to_le_bytes());
            v.extend_from_slice(&val.to_le_bytes());
        };
        entry(&mut v, 0x010f, 2, 8, 50);
        entry(&mut v, TAG_ORIENTATION, 3, 1, orientation as u32);
        entry(&mut v, TAG_GPS_INFO, 4, 1, 58);
        v.extend_from_slice(&0u32.to_le_bytes());
        v.extend_from_slice(b"Wixdrop\0");
        // GPS IFD at 58: 2 entries → ends at 58 + 2 + 24 + 4 = 88; rationals at 88 (24 bytes).
        v.extend_from_slice(&2u16.to_le_bytes());
        entry(&mut v, 1, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
        entry(&mut v, 2, 5, 3, 88);
        v.extend_from_slice(&0u32.to_le_bytes());
        for r in [48u32, 1, 51, 1, 2411, 100] {
            v.extend_from_slice(&r.to_le_bytes());
        }
        v
    }

    #[test]
    fn location_goes_orientation_and_length_stay() {
        let mut t = sample(6);
        let len = t.len();
        let before = strip(&mut t, Strip::Location).unwrap();
        assert_eq!(
            before,
            TiffFacts {
                has_location: true,
                orientation: Some(6)
            }
        );
        assert_eq!(t.len(), len);
        let after = facts(&t).unwrap();
        assert!(!after.has_location);
        assert_eq!(after.orientation, Some(6));
        // The latitude's rationals are gone from the bytes, the Make is still there.
        assert!(t[88..].iter().all(|&b| b == 0));
        assert_eq!(&t[50..57], b"Wixdrop");
        // IFD0 now has 2 entries and a zero next pointer.
        assert_eq!(u16::from_le_bytes([t[8], t[9]]), 2);
    }

    #[test]
    fn all_keeps_only_the_orientation() {
        let mut t = sample(3);
        strip(&mut t, Strip::All).unwrap();
        assert_eq!(
            facts(&t).unwrap(),
            TiffFacts {
                has_location: false,
                orientation: Some(3)
            }
        );
        assert!(!t.windows(7).any(|w| w == b"Wixdrop"));
    }

    #[test]
    fn malformed_blocks_are_not_trusted() {
        assert!(facts(b"not a tiff at all").is_none());
        // A GPS pointer far past the end: the pointer goes, nothing else is touched.
        let mut t = sample(1);
        t[8 + 2 + 24 + 8..8 + 2 + 24 + 12].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
        let copy = t.clone();
        strip(&mut t, Strip::Location).unwrap();
        assert_eq!(&t[50..], &copy[50..]);
        assert!(!facts(&t).unwrap().has_location);
        // Truncated anywhere: no panic.
        let full = sample(6);
        for cut in 0..full.len() {
            let mut part = full[..cut].to_vec();
            let _ = strip(&mut part, Strip::Location);
            let mut part = full[..cut].to_vec();
            let _ = strip(&mut part, Strip::All);
        }
    }

    #[test]
    fn minimal_block_reads_back() {
        let m = minimal(8);
        assert_eq!(
            facts(&m).unwrap(),
            TiffFacts {
                has_location: false,
                orientation: Some(8)
            }
        );
    }
}
