//! A run as bytes, to cross from a web worker to the page without a JSON round trip.
//!
//! The trace travels as fixed 40-byte records ([`trace`]), so a reader can decode it in
//! slices of any number of whole events; everything else of the run is one compact
//! buffer ([`result`]). Both are little-endian whatever the machine, and a decoder
//! checks every length, code and count, so damaged bytes give an error, never a panic.
//! What the reader can rebuild from the scenario (the operations) is not written.

pub mod result;
pub mod trace;

pub use result::{decode_result, encode_result};
pub use trace::{decode_events, encode_trace, EVENT_BYTES};

/// Appends values to a buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub fn bool(&mut self, value: bool) {
        self.u8(value as u8);
    }

    pub fn u32(&mut self, value: u32) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    pub fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    /// A count or size: at most `u32::MAX` (every list of a run is far shorter).
    pub fn count(&mut self, len: usize) {
        self.u32(u32::try_from(len).unwrap_or(u32::MAX));
    }

    pub fn str(&mut self, text: &str) {
        self.count(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
    }
}

/// Reads values back in the order they were written.
pub struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.bytes.len() < n {
            return Err(format!(
                "the run's bytes end early: {n} more wanted, {} left",
                self.bytes.len()
            ));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    pub fn bool(&mut self) -> Result<bool, String> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(format!("{other} is not a flag")),
        }
    }

    pub fn u32(&mut self) -> Result<u32, String> {
        let mut word = [0; 4];
        word.copy_from_slice(self.take(4)?);
        Ok(u32::from_le_bytes(word))
    }

    pub fn u64(&mut self) -> Result<u64, String> {
        let mut word = [0; 8];
        word.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(word))
    }

    /// A count of items of at least `item_bytes` bytes each, checked against what is left
    /// so that a damaged count cannot reserve gigabytes.
    pub fn count(&mut self, item_bytes: usize) -> Result<usize, String> {
        let len = self.u32()? as usize;
        if len.saturating_mul(item_bytes.max(1)) > self.bytes.len() {
            return Err(format!(
                "a list of {len} items does not fit in the {} bytes left",
                self.bytes.len()
            ));
        }
        Ok(len)
    }

    pub fn string(&mut self) -> Result<String, String> {
        let len = self.count(1)?;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a text is not UTF-8".to_string())
    }

    /// A list of `read` items, each at least `item_bytes` long.
    pub fn list<T>(
        &mut self,
        item_bytes: usize,
        mut read: impl FnMut(&mut Self) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        let len = self.count(item_bytes)?;
        (0..len).map(|_| read(self)).collect()
    }

    /// Fails unless every byte was read.
    pub fn finish(self) -> Result<(), String> {
        match self.bytes.len() {
            0 => Ok(()),
            n => Err(format!("{n} bytes are left over after the run")),
        }
    }
}
