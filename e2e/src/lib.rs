//! End-to-end tests of b24gen's output: the committed generated client (`bitrix24`), the
//! runtime (`b24-runtime`) and the mock portal (`b24-mock`) together. The crate holds no code;
//! its tests are in `tests/`.
