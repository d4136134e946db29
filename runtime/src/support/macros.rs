/// `Fields` and `Deserialize` for a generated result struct:
/// `result_fields!(Item { "ID" => id: i64, "TITLE" => title: string, })`, where the last word
/// names the [`seed`] that reads the field. The struct has a field `extra: wire::Object` for the
/// keys that are not fields.
#[doc(hidden)]
#[macro_export]
macro_rules! result_fields {
    ($name:ident {}) => {
        impl $crate::support::de::Fields for $name {
            fn field<'de, A: $crate::support::serde::de::MapAccess<'de>>(
                &mut self,
                _key: &str,
                _map: &mut A,
            ) -> Result<bool, A::Error> {
                Ok(false)
            }
            #[inline]
            fn extra(&mut self) -> &mut $crate::wire::Object {
                &mut self.extra
            }
        }
        $crate::support::result_fields!(@de $name);
    };
    ($name:ident { $($key:literal => $field:ident : $seed:ident,)+ }) => {
        impl $crate::support::de::Fields for $name {
            fn field<'de, A: $crate::support::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<bool, A::Error> {
                match key {
                    $($key => self.$field = map.next_value_seed($crate::support::seed::$seed())?,)+
                    _ => return Ok(false),
                }
                Ok(true)
            }
            #[inline]
            fn extra(&mut self) -> &mut $crate::wire::Object {
                &mut self.extra
            }
        }
        $crate::support::result_fields!(@de $name);
    };
    (@de $name:ident) => {
        impl<'de> $crate::support::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::support::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $crate::support::de::deserialize_struct(d)
            }
        }
    };
}

/// `Serialize` for a generated params struct, as a map of the set fields under their wire names:
/// `params_serialize!(Params { req "ID" => id, opt "TITLE" => title, } extra)`; `extra` (when
/// present) names a map field whose entries follow.
#[doc(hidden)]
#[macro_export]
macro_rules! params_serialize {
    ($name:ident { $($kind:ident $key:literal => $field:ident,)* } $($extra:ident)?) => {
        impl $crate::support::serde::Serialize for $name {
            fn serialize<S: $crate::support::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                use $crate::support::serde::ser::SerializeMap as _;
                #[allow(unused_mut)]
                let mut m = s.serialize_map(None)?;
                $($crate::support::params_serialize!(@$kind m, $key, self.$field);)*
                $(for (k, v) in &self.$extra {
                    m.serialize_entry(k, v)?;
                })?
                m.end()
            }
        }
    };
    (@req $m:ident, $key:literal, $value:expr) => {
        $m.serialize_entry($key, &$value)?
    };
    (@opt $m:ident, $key:literal, $value:expr) => {
        if let Some(v) = &$value {
            $m.serialize_entry($key, v)?;
        }
    };
}

/// Builder setters of optional params fields: `setters!(Params { title: String, })` makes
/// `fn title(self, value: impl Into<String>) -> Self`.
#[doc(hidden)]
#[macro_export]
macro_rules! setters {
    ($name:ident { $($(#[$meta:meta])* $field:ident : $ty:ty,)* }) => {
        impl $name {
            $(
                #[doc = concat!("Sets `", stringify!($field), "` (see the field).")]
                $(#[$meta])*
                pub fn $field(mut self, value: impl Into<$ty>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }
    };
}

/// `as_str`, `from_wire`, `Serialize` and `Deserialize` of a generated value enum (which has an
/// `Unknown(String)` variant): `wire_enum!(Status { New = "new", })`.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_enum {
    ($name:ident { $($variant:ident = $value:literal,)* }) => {
        impl $name {
            /// The wire spelling.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(s) => s,
                }
            }

            /// The variant for a wire spelling (`Unknown` for values the docs do not list).
            #[inline]
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($value => Self::$variant,)*
                    _ => Self::Unknown(s.to_owned()),
                }
            }
        }

        impl $crate::support::serde::Serialize for $name {
            fn serialize<S: $crate::support::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::support::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::support::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $crate::support::de::wire_str(d).map(|s| Self::from_wire(&s))
            }
        }
    };
}

/// `MethodError`, `description`, `Display` and `Error` of a generated error enum, whose documented
/// variants and `Other` hold the error answer (`Variant(Box<ApiError>)`) and `System` its kind too
/// (`System(SystemError, Box<ApiError>)`): `method_error!(Error { AccessDenied = "ACCESS_DENIED", })`.
#[doc(hidden)]
#[macro_export]
macro_rules! method_error {
    ($name:ident { $($variant:ident = $code:literal,)* }) => {
        impl $crate::MethodError for $name {
            #[inline]
            fn from_api(error: ::std::boxed::Box<$crate::ApiError>) -> Self {
                match error.code.as_str() {
                    $($code => Self::$variant(error),)*
                    code => match $crate::SystemError::from_code(code) {
                        Some(kind) => Self::System(kind, error),
                        None => Self::Other(error),
                    },
                }
            }

            #[inline]
            fn api(&self) -> &$crate::ApiError {
                match self {
                    $(Self::$variant(e) |)* Self::System(_, e) | Self::Other(e) => e,
                }
            }

            #[inline]
            fn into_api(self) -> ::std::boxed::Box<$crate::ApiError> {
                match self {
                    $(Self::$variant(e) |)* Self::System(_, e) | Self::Other(e) => e,
                }
            }
        }

        impl $name {
            /// The `error_description` (REST 3: `message`) the portal sent.
            #[inline]
            pub fn description(&self) -> &str {
                &$crate::MethodError::api(self).description
            }
        }

        impl ::std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt($crate::MethodError::api(self), f)
            }
        }

        impl ::std::error::Error for $name {}
    };
}

/// The call surface of a method's params: `Request` (the params know their method) and
/// `params.send(&client)`: `call_surface!(Params => ImDialogRead)`.
#[doc(hidden)]
#[macro_export]
macro_rules! call_surface {
    ($params:ident => $method:ident) => {
        impl $crate::Request for $params {
            type Method = $method;
        }

        impl $params {
            /// Sends the call: `.await` it for the typed `result` or the method's typed
            /// [`Error`](enum@Error) (inside [`b24_runtime::Error::Api`]); set options on the
            /// returned [`Call`]($crate::Call) first if needed.
            #[inline]
            pub fn send<'a>(&'a self, client: &'a $crate::Client) -> $crate::Call<'a, $method> {
                $crate::Call::new(client, self)
            }
        }
    };
}

/// The list surface of a paginated method: `Paginated` and `params.pages(&client)`; with the rows'
/// type and place, `Listed` and `params.stream(&client)`; with an ID field, `FastListed` and
/// `params.fast(&client)`.
///
/// `list_surface!(CrmDealList, Params)`,
/// `list_surface!(CrmDealList, Params, Item, [])` (the result is the list),
/// `list_surface!(CrmItemList, Params, Item, ["items"] items, fast "id")`.
#[doc(hidden)]
#[macro_export]
macro_rules! list_surface {
    ($method:ident, $params:ident) => {
        impl $crate::Paginated for $method {}

        impl $params {
            /// Every page of the list, following `next`; nothing is sent before the first poll.
            #[inline]
            pub fn pages(self, client: &$crate::Client) -> $crate::list::Pages<$method> {
                $crate::list::Pages::new(client, self)
            }
        }
    };
    ($method:ident, $params:ident, $row:ty, [$($path:literal),*] $($field:ident)? $(, fast $id:literal)?) => {
        $crate::support::list_surface!($method, $params);

        impl $crate::Listed for $method {
            type Row = $row;
            const ROWS: &'static [&'static str] = &[$($path),*];
            #[inline]
            fn rows(result: Self::Result) -> ::std::vec::Vec<$row> {
                $crate::support::list_surface!(@rows result $($field)?)
            }
        }

        impl $params {
            /// Every row of the list, page by page through `start`/`next` (`total()` once the
            /// first page is in); nothing is sent before the first poll.
            #[inline]
            pub fn stream(self, client: &$crate::Client) -> $crate::list::Rows<$method> {
                $crate::list::Rows::offset(client, self)
            }
        }

        $(
            impl $crate::FastListed for $method {
                const ID: &'static str = $id;
            }

            impl $params {
                /// Every row of the list by the fast traversal: ordered by ID, 50 pages per HTTP
                /// call through a batch (`filter` is kept, `order` and `start` are replaced).
                #[inline]
                pub fn fast(self, client: &$crate::Client) -> $crate::list::Rows<$method> {
                    $crate::list::Rows::fast(client, self)
                }
            }
        )?
    };
    (@rows $result:ident) => {
        $result
    };
    (@rows $result:ident $field:ident) => {
        $result.$field.unwrap_or_default()
    };
}

/// A generated union enum, which has an `Other(serde_json::Value)` fallback for a value of any
/// other form. Received (`results`): `Deserialize` through [`union`](crate::support::union), one
/// dispatch on the form on the wire, no buffering. Sent (`params`): `Serialize`, one `From` per
/// variant, and under `--cfg b24_conformance` (the conformance suite's) the `Deserialize` too:
/// `wire_union!(results Id { integer Integer, text Text, list List: i64, object Object: IdObject, })`.
///
/// Forms: `bool`, `integer` (`i64`), `number` (`f64`), `text` (`String`), `string V: T` (a
/// [`FromWireStr`](crate::support::union::FromWireStr) type: dates, `YesNo`), `list V: T`
/// (`Vec<T>` of scalars read leniently), `array V: T` (`Vec<T>`), `object V: T`.
#[doc(hidden)]
#[macro_export]
macro_rules! wire_union {
    (results $name:ident { $($form:ident $variant:ident $(: $ty:ty)?,)* }) => {
        $crate::support::wire_union!(@de $name { $($form $variant $(: $ty)?,)* });
    };
    (params $name:ident { $($form:ident $variant:ident $(: $ty:ty)?,)* }) => {
        impl $crate::support::serde::Serialize for $name {
            fn serialize<S: $crate::support::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(v) => $crate::support::serde::Serialize::serialize(v, s),)*
                    Self::Other(v) => $crate::support::serde::Serialize::serialize(v, s),
                }
            }
        }

        $($crate::support::wire_union!(@from $name $form $variant $($ty)?);)*

        #[cfg(b24_conformance)]
        const _: () = {
            $crate::support::wire_union!(@de $name { $($form $variant $(: $ty)?,)* });
        };
    };
    (@de $name:ident { $($form:ident $variant:ident $(: $ty:ty)?,)* }) => {
        impl $crate::support::union::Union for $name {
            $($crate::support::wire_union!(@form $form $variant $($ty)?);)*
            fn other(v: ::serde_json::Value) -> Self {
                Self::Other(v)
            }
        }

        impl<'de> $crate::support::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::support::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                $crate::support::union::deserialize(d)
            }
        }
    };
    (@form bool $v:ident) => {
        fn boolean(v: bool) -> Option<Self> {
            Some(Self::$v(v))
        }
    };
    (@form integer $v:ident) => {
        fn integer(v: i64) -> Option<Self> {
            Some(Self::$v(v))
        }
    };
    (@form number $v:ident) => {
        fn number(v: f64) -> Option<Self> {
            Some(Self::$v(v))
        }
    };
    (@form text $v:ident) => {
        fn string(v: &str) -> Option<Self> {
            Some(Self::$v(v.to_owned()))
        }
    };
    (@form string $v:ident $ty:ty) => {
        fn string(v: &str) -> Option<Self> {
            <$ty as $crate::support::union::FromWireStr>::from_wire_str(v).map(Self::$v)
        }
    };
    (@form list $v:ident $ty:ty) => {
        fn array<'de, A: $crate::support::serde::de::SeqAccess<'de>>(
            seq: A,
        ) -> Result<Self, A::Error> {
            $crate::support::union::lenient_list::<A, $ty>(seq).map(Self::$v)
        }
    };
    (@form array $v:ident $ty:ty) => {
        fn array<'de, A: $crate::support::serde::de::SeqAccess<'de>>(
            seq: A,
        ) -> Result<Self, A::Error> {
            $crate::support::union::list::<A, $ty>(seq).map(Self::$v)
        }
    };
    (@form object $v:ident $ty:ty) => {
        fn object<'de, A: $crate::support::serde::de::MapAccess<'de>>(
            map: A,
        ) -> Result<Self, A::Error> {
            $crate::support::union::object::<A, $ty>(map).map(Self::$v)
        }
    };
    (@from $name:ident bool $v:ident) => {
        $crate::support::wire_union!(@into $name $v bool);
    };
    (@from $name:ident integer $v:ident) => {
        $crate::support::wire_union!(@into $name $v i64);
        impl ::std::convert::From<i32> for $name {
            fn from(v: i32) -> Self {
                Self::$v(v.into())
            }
        }
    };
    (@from $name:ident number $v:ident) => {
        $crate::support::wire_union!(@into $name $v f64);
    };
    (@from $name:ident text $v:ident) => {
        $crate::support::wire_union!(@into $name $v String);
        impl ::std::convert::From<&str> for $name {
            fn from(v: &str) -> Self {
                Self::$v(v.to_owned())
            }
        }
    };
    (@from $name:ident string $v:ident $ty:ty) => {
        $crate::support::wire_union!(@into $name $v $ty);
    };
    (@from $name:ident list $v:ident $ty:ty) => {
        $crate::support::wire_union!(@into $name $v Vec<$ty>);
    };
    (@from $name:ident array $v:ident $ty:ty) => {
        $crate::support::wire_union!(@into $name $v Vec<$ty>);
    };
    (@from $name:ident object $v:ident $ty:ty) => {
        $crate::support::wire_union!(@into $name $v $ty);
    };
    (@into $name:ident $v:ident $ty:ty) => {
        impl ::std::convert::From<$ty> for $name {
            fn from(v: $ty) -> Self {
                Self::$v(v)
            }
        }
    };
}
