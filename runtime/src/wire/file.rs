//! A file sent in a request: its name and its content in Base64, as the portal takes it.

use std::fmt;
use std::io;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// A file for a `file`-typed parameter: a name and content, sent Base64-encoded.
///
/// The portal takes files in a few forms ("How to Upload Files" in the docs lists which
/// method wants which); [`File`] sends the most common one unless told otherwise:
///
/// | form | on the wire | used by |
/// |---|---|---|
/// | [`FileForm::Pair`] (default) | `["name.ext", "<base64>"]` | `crm.item.*` file fields, `bizproc.workflow.template.add` `TEMPLATE_DATA`, `entity.item.*`, `user.add` `PERSONAL_PHOTO`, `crm.documentgenerator.template.add` `file` |
/// | [`FileForm::FileData`] | `{"fileData": ["name.ext", "<base64>"]}` | file fields of `crm.lead/deal/contact/company.*` (`LOGO`, `PHOTO`), `catalog.product.*` pictures |
/// | [`FileForm::Base64`] | `"<base64>"` | `documentgenerator.template.add` `file`, `sonet_group.create` `IMAGE` |
///
/// ```
/// use b24_runtime::wire::{File, FileForm};
///
/// let f = File::from_bytes("note.txt", b"hello");
/// assert_eq!(serde_json::to_string(&f).unwrap(), r#"["note.txt","aGVsbG8="]"#);
/// let logo = f.clone().form(FileForm::FileData);
/// assert_eq!(
///     serde_json::to_string(&logo).unwrap(),
///     r#"{"fileData":["note.txt","aGVsbG8="]}"#
/// );
/// assert_eq!(f.bytes().unwrap(), b"hello");
/// ```
///
/// The content is encoded once, when the file is made; sending it again costs no encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    name: String,
    base64: String,
    form: FileForm,
}

/// How a [`File`] is written in a request (see the table on [`File`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum FileForm {
    /// `["name.ext", "<base64>"]`.
    #[default]
    Pair,
    /// `{"fileData": ["name.ext", "<base64>"]}`.
    FileData,
    /// `"<base64>"`: the portal names the file itself.
    Base64,
}

impl File {
    /// A file named `name` holding `content`.
    pub fn from_bytes(name: impl Into<String>, content: impl AsRef<[u8]>) -> File {
        File {
            name: name.into(),
            base64: STANDARD.encode(content),
            form: FileForm::Pair,
        }
    }

    /// The file at `path`, named after its last component.
    ///
    /// ```no_run
    /// let contract = b24_runtime::wire::File::from_path("contract.pdf")?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn from_path(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} names no file", path.display()),
                )
            })?;
        Ok(File::from_bytes(name, std::fs::read(path)?))
    }

    /// A file whose content is already Base64 (sent as given, not checked).
    pub fn from_base64(name: impl Into<String>, base64: impl Into<String>) -> File {
        File {
            name: name.into(),
            base64: base64.into(),
            form: FileForm::Pair,
        }
    }

    /// The same file, written in `form`.
    #[must_use]
    pub fn form(mut self, form: FileForm) -> File {
        self.form = form;
        self
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The content as sent (Base64).
    pub fn base64(&self) -> &str {
        &self.base64
    }

    /// The content, decoded.
    pub fn bytes(&self) -> Result<Vec<u8>, base64::DecodeError> {
        STANDARD.decode(&self.base64)
    }

    pub fn current_form(&self) -> FileForm {
        self.form
    }
}

impl fmt::Debug for File {
    /// The name, form and encoded size; not the content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("form", &self.form)
            .field("base64_len", &self.base64.len())
            .finish()
    }
}

struct Pair<'a>(&'a str, &'a str);

impl Serialize for Pair<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(2))?;
        seq.serialize_element(self.0)?;
        seq.serialize_element(self.1)?;
        seq.end()
    }
}

impl Serialize for File {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let pair = Pair(&self.name, &self.base64);
        match self.form {
            FileForm::Pair => pair.serialize(s),
            FileForm::FileData => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("fileData", &pair)?;
                m.end()
            }
            FileForm::Base64 => s.serialize_str(&self.base64),
        }
    }
}

/// Reads each form back (the mock and the conformance suite read requests): the content is
/// kept as written, not decoded.
impl<'de> Deserialize<'de> for File {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<File, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = File;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a file: ["name", "<base64>"], {"fileData": [...]} or "<base64>""#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<File, E> {
                Ok(File::from_base64("", v).form(FileForm::Base64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<File, A::Error> {
                let name: String = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let content: String = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(File::from_base64(name, content))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<File, A::Error> {
                let mut found = None;
                while let Some(k) = map.next_key::<String>()? {
                    if k == "fileData" {
                        let (name, content): (String, String) = map.next_value()?;
                        found = Some(File::from_base64(name, content).form(FileForm::FileData));
                    } else {
                        return Err(de::Error::unknown_field(&k, &["fileData"]));
                    }
                }
                found.ok_or_else(|| de::Error::missing_field("fileData"))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_form_round_trips() {
        let f = File::from_bytes("a.bin", [0u8, 255, 10]);
        for form in [FileForm::Pair, FileForm::FileData, FileForm::Base64] {
            let f = f.clone().form(form);
            let text = serde_json::to_string(&f).expect("serializes");
            let back: File = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back.current_form(), form, "{text}");
            assert_eq!(back.bytes().expect("base64"), [0u8, 255, 10]);
        }
        assert_eq!(
            serde_json::to_string(&f.clone().form(FileForm::Base64)).expect("serializes"),
            r#""AP8K""#
        );
        assert!(serde_json::from_str::<File>(r#"["only-a-name"]"#).is_err());
        assert!(serde_json::from_str::<File>(r#"{"id": 433}"#).is_err());
        assert!(format!("{f:?}").contains("base64_len: 4"));
    }

    #[test]
    fn from_path_reads_and_names() {
        let dir = std::env::temp_dir().join(format!("b24-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let path = dir.join("report.csv");
        std::fs::write(&path, "a,b\n").expect("written");
        let f = File::from_path(&path).expect("read");
        assert_eq!(f.name(), "report.csv");
        assert_eq!(f.bytes().expect("base64"), b"a,b\n");
        let missing = File::from_path(dir.join("absent.csv")).expect_err("absent");
        assert_eq!(missing.kind(), io::ErrorKind::NotFound);
        std::fs::remove_dir_all(&dir).ok();
    }
}
