//! The diff engine on IR values built in code: one test per change kind,
//! with its semver verdict.
use b24gen::diff::{
    diff, render_json, render_text, Area, Bump, Change, ChangeKind, Changes, ItemKind,
};
use b24gen::ir::{
    EnumValue, ErrorCode, Event, Field, Ir, Kind, Lang, Method, Text, Type, SCHEMA_VERSION,
};

fn en(s: &str) -> Text {
    Text::new(Lang::En, s)
}

fn ty(kind: Kind) -> Type {
    let doc = kind.name().to_string();
    Type::new(doc, kind)
}

fn field(name: &str, kind: Kind, required: bool, doc: &str) -> Field {
    Field {
        name: name.into(),
        required,
        ty: ty(kind),
        doc: en(doc),
        ..Field::default()
    }
}

fn err(code: &str, status: u16, doc: &str, system: bool) -> ErrorCode {
    ErrorCode {
        code: code.into(),
        http_status: Some(status),
        message: None,
        doc: en(doc),
        system,
    }
}

fn method(name: &str) -> Method {
    Method {
        name: name.into(),
        scopes: vec!["crm".into()],
        rest_version: 2,
        title: en(&format!("Do {name}")),
        summary: en("The method does things."),
        params: vec![
            field("id", Kind::Integer, true, "Identifier of the deal."),
            field(
                "fields",
                Kind::Object { fields: vec![] },
                false,
                "Fields to set.",
            ),
        ],
        result: Some(ty(Kind::Object {
            fields: vec![field("ID", Kind::Integer, false, "Deal identifier.")],
        })),
        errors: vec![
            err("NOT_FOUND", 400, "Deal not found.", false),
            err("ACCESS_DENIED", 403, "Access denied.", true),
        ],
        ..Method::default()
    }
}

fn event(name: &str) -> Event {
    Event {
        name: name.into(),
        scopes: vec!["crm".into()],
        title: en("Event on deal add"),
        payload: vec![field("event", Kind::String, true, "Event name.")],
        ..Event::default()
    }
}

fn ir(methods: Vec<Method>, events: Vec<Event>) -> Ir {
    Ir {
        schema: SCHEMA_VERSION,
        methods,
        events,
        diagnostics: vec![],
    }
}

/// Diff a one-method IR against the same IR changed by `edit`.
fn diff_method(edit: impl FnOnce(&mut Method)) -> Changes {
    let old = ir(vec![method("crm.deal.add")], vec![]);
    let mut new = old.clone();
    edit(&mut new.methods[0]);
    diff(&old, &new)
}

/// The one change of a diff (fails if there are several).
fn only(c: &Changes) -> &Change {
    assert_eq!(
        c.changes.len(),
        1,
        "expected one change, got {:#?}",
        c.changes
    );
    &c.changes[0]
}

fn tags(c: &Changes) -> Vec<(&str, String, Bump)> {
    c.changes
        .iter()
        .map(|c| (c.change.tag(), c.path.clone(), c.bump))
        .collect()
}

#[test]
fn identical_sides_have_no_changes() {
    let a = ir(
        vec![method("crm.deal.add"), method("crm.deal.get")],
        vec![event("onCrmDealAdd")],
    );
    let c = diff(&a, &a.clone());
    assert!(c.is_empty());
    assert_eq!(c.bump, Bump::None);
    assert_eq!(c.methods.old, 2);
    assert_eq!(c.methods.new, 2);
    assert_eq!(c.events.new, 1);
}

#[test]
fn method_added_is_minor_removed_is_major() {
    let old = ir(vec![method("crm.deal.add"), method("crm.deal.old")], vec![]);
    let new = ir(vec![method("crm.deal.add"), method("crm.deal.new")], vec![]);
    let c = diff(&old, &new);
    assert_eq!(c.methods_added(), vec!["crm.deal.new"]);
    assert_eq!(c.methods_removed(), vec!["crm.deal.old"]);
    assert_eq!(c.methods.added, 1);
    assert_eq!(c.methods.removed, 1);
    let added = c.changes.iter().find(|c| c.item == "crm.deal.new").unwrap();
    assert_eq!(added.bump, Bump::Minor);
    assert_eq!(added.text.as_deref(), Some("Do crm.deal.new"));
    let removed = c.changes.iter().find(|c| c.item == "crm.deal.old").unwrap();
    assert_eq!(removed.bump, Bump::Major);
    assert_eq!(c.bump, Bump::Major);
    assert_eq!((c.counts.major, c.counts.minor, c.counts.patch), (1, 1, 0));
}

#[test]
fn only_additions_make_a_minor_bump() {
    let old = ir(vec![method("crm.deal.add")], vec![]);
    let new = ir(vec![method("crm.deal.add"), method("crm.deal.new")], vec![]);
    assert_eq!(diff(&old, &new).bump, Bump::Minor);
}

#[test]
fn deprecation_is_minor_and_names_the_replacement() {
    let c = diff_method(|m| {
        m.deprecated = true;
        m.replaced_by = Some("crm.item.add".into());
    });
    let ch = only(&c);
    assert_eq!(
        ch.change,
        ChangeKind::Deprecated {
            replaced_by: Some("crm.item.add".into())
        }
    );
    assert_eq!(ch.bump, Bump::Minor);
    assert_eq!(c.bump, Bump::Minor);
}

#[test]
fn undeprecation_and_new_replacement_are_patch() {
    let old = ir(
        vec![Method {
            deprecated: true,
            ..method("crm.deal.add")
        }],
        vec![],
    );
    let new = ir(vec![method("crm.deal.add")], vec![]);
    assert_eq!(only(&diff(&old, &new)).change, ChangeKind::Undeprecated);
    assert_eq!(diff(&old, &new).bump, Bump::Patch);

    let mut moved = old.clone();
    moved.methods[0].replaced_by = Some("crm.item.add".into());
    let c = diff(&old, &moved);
    assert_eq!(only(&c).change.tag(), "replacement_changed");
    assert_eq!(c.bump, Bump::Patch);
}

#[test]
fn required_param_added_is_major_optional_is_minor() {
    let c = diff_method(|m| m.params.push(field("mode", Kind::String, true, "Mode.")));
    let ch = only(&c);
    assert_eq!((ch.area, ch.path.as_str()), (Area::Params, "mode"));
    assert_eq!(
        ch.change,
        ChangeKind::FieldAdded {
            required: true,
            ty: "string".into(),
            placeholder: false,
        }
    );
    assert_eq!(c.bump, Bump::Major);

    let c = diff_method(|m| m.params.push(field("mode", Kind::String, false, "Mode.")));
    assert_eq!(only(&c).bump, Bump::Minor);
    assert_eq!(only(&c).text.as_deref(), Some("Mode."));
}

#[test]
fn param_removed_is_major() {
    let c = diff_method(|m| {
        m.params.remove(1);
    });
    let ch = only(&c);
    assert_eq!(ch.change.tag(), "field_removed");
    assert_eq!(ch.path, "fields");
    assert_eq!(ch.bump, Bump::Major);
    assert_eq!(
        ch.text.as_deref(),
        Some("Fields to set."),
        "the last wording of a removed param"
    );
}

#[test]
fn nested_param_changes_have_dotted_paths() {
    let old = ir(vec![method("crm.deal.add")], vec![]);
    let mut old_fields = old.clone();
    old_fields.methods[0].params[1].ty.kind = Kind::Object {
        fields: vec![field("STAGE", Kind::String, false, "Stage.")],
    };
    let mut new = old_fields.clone();
    if let Kind::Object { fields } = &mut new.methods[0].params[1].ty.kind {
        fields.push(field("TITLE", Kind::String, true, "Title."));
    }
    // An object without documented keys is `wire::Object`, with them a struct.
    let c = diff(&old, &old_fields);
    assert_eq!(
        only(&c).change,
        ChangeKind::TypeChanged {
            old: "object".into(),
            new: "object".into(),
            rust_old: "wire::Object".into(),
            rust_new: "struct".into(),
        }
    );
    assert_eq!(c.bump, Bump::Major);
    let c = diff(&old_fields, &new);
    let ch = only(&c);
    assert_eq!(ch.path, "fields.TITLE");
    assert_eq!(
        ch.bump,
        Bump::Major,
        "a new required nested param breaks `new(…)`"
    );
}

#[test]
fn rename_needs_one_out_one_in_same_type_same_description() {
    // Clear: `id` → `deal_id`, same type and text.
    let c = diff_method(|m| m.params[0].name = "deal_id".into());
    let ch = only(&c);
    assert_eq!(ch.path, "deal_id");
    assert_eq!(
        ch.change,
        ChangeKind::FieldRenamed {
            from: "id".into(),
            rust_name_kept: false
        }
    );
    assert_eq!(ch.bump, Bump::Major);

    // `id` → `ID`: the generated field is `id` either way; only the wire name changes.
    let c = diff_method(|m| m.params[0].name = "ID".into());
    assert_eq!(
        only(&c).change,
        ChangeKind::FieldRenamed {
            from: "id".into(),
            rust_name_kept: true
        }
    );
    assert_eq!(c.bump, Bump::Patch);

    // Different description: a removal and an addition.
    let c = diff_method(|m| {
        m.params[0].name = "ID".into();
        m.params[0].doc = en("Deal ID.");
    });
    assert_eq!(
        tags(&c),
        vec![
            ("field_added", "ID".into(), Bump::Major),
            ("field_removed", "id".into(), Bump::Major),
        ]
    );

    // Different type: no rename.
    let c = diff_method(|m| {
        m.params[0].name = "ID".into();
        m.params[0].ty = ty(Kind::String);
    });
    assert!(c.changes.iter().all(|c| c.change.tag() != "field_renamed"));

    // Two out, two in: ambiguous, no rename even though each pair would match.
    let c = diff_method(|m| {
        m.params[0].name = "ID".into();
        m.params[1].name = "FIELDS".into();
    });
    assert_eq!(c.changes.len(), 4);
    assert!(c.changes.iter().all(|c| c.change.tag() != "field_renamed"));

    // No description at all is no evidence.
    let old = ir(
        vec![Method {
            params: vec![field("a", Kind::String, false, "")],
            ..method("m.x")
        }],
        vec![],
    );
    let new = ir(
        vec![Method {
            params: vec![field("b", Kind::String, false, "")],
            ..method("m.x")
        }],
        vec![],
    );
    assert!(diff(&old, &new)
        .changes
        .iter()
        .all(|c| c.change.tag() != "field_renamed"));
}

#[test]
fn renamed_param_reports_its_other_differences_on_the_new_name() {
    let c = diff_method(|m| {
        m.params[1].name = "FIELDS".into();
        m.params[1].required = true;
    });
    assert_eq!(
        tags(&c),
        vec![
            ("field_renamed", "FIELDS".into(), Bump::Patch),
            ("required_changed", "FIELDS".into(), Bump::Major),
        ]
    );
}

#[test]
fn required_flag_change_is_major_both_ways() {
    let c = diff_method(|m| m.params[1].required = true);
    assert_eq!(
        only(&c).change,
        ChangeKind::RequiredChanged {
            old: false,
            new: true
        }
    );
    assert_eq!(c.bump, Bump::Major);
    let c = diff_method(|m| m.params[0].required = false);
    assert_eq!(
        only(&c).change,
        ChangeKind::RequiredChanged {
            old: true,
            new: false
        }
    );
    assert_eq!(c.bump, Bump::Major);
}

#[test]
fn type_kind_change_is_major_token_only_is_patch() {
    let c = diff_method(|m| m.params[0].ty = ty(Kind::String));
    assert_eq!(
        only(&c).change,
        ChangeKind::TypeChanged {
            old: "integer".into(),
            new: "string".into(),
            rust_old: "i64".into(),
            rust_new: "String".into(),
        }
    );
    assert_eq!(c.bump, Bump::Major);

    // Another kind, the same Rust type: docs only.
    let c = diff_method(|m| m.params[0].ty = ty(Kind::Timestamp));
    assert_eq!(only(&c).change.tag(), "type_changed");
    assert_eq!(c.bump, Bump::Patch);

    let c = diff_method(|m| m.params[0].ty.doc = "int".into());
    assert_eq!(
        only(&c).change,
        ChangeKind::TypeDocChanged {
            old: "integer".into(),
            new: "int".into()
        }
    );
    assert_eq!(c.bump, Bump::Patch);

    // The emitter does not type nullability (received fields are all `Option`).
    let c = diff_method(|m| m.params[0].ty.nullable = true);
    assert_eq!(only(&c).change.tag(), "type_changed");
    assert_eq!(c.bump, Bump::Patch);

    let c = diff_method(|m| {
        m.params[0].ty = Type::new(
            "crm_status",
            Kind::Ref {
                name: "crm_status".into(),
            },
        )
    });
    assert_eq!(
        only(&c).change,
        ChangeKind::TypeChanged {
            old: "integer".into(),
            new: "crm_status".into(),
            rust_old: "i64".into(),
            rust_new: "String".into(),
        }
    );
}

#[test]
fn array_item_type_change_is_one_change_at_the_array() {
    let arr = |k: Kind| {
        Type::new(
            "x[]",
            Kind::Array {
                item: Box::new(ty(k)),
            },
        )
    };
    let old = ir(
        vec![Method {
            result: Some(arr(Kind::Integer)),
            ..method("m.list")
        }],
        vec![],
    );
    let new = ir(
        vec![Method {
            result: Some(arr(Kind::String)),
            ..method("m.list")
        }],
        vec![],
    );
    let c = diff(&old, &new);
    let ch = only(&c);
    assert_eq!((ch.area, ch.path.as_str()), (Area::Result, ""));
    assert_eq!(
        ch.change,
        ChangeKind::TypeChanged {
            old: "integer[]".into(),
            new: "string[]".into(),
            rust_old: "Vec<i64>".into(),
            rust_new: "Vec<String>".into(),
        }
    );
}

#[test]
fn result_fields_added_minor_removed_major_nested_in_arrays() {
    let list = |fields: Vec<Field>| {
        Some(Type::new(
            "object[]",
            Kind::Array {
                item: Box::new(ty(Kind::Object { fields })),
            },
        ))
    };
    let base = vec![field("ID", Kind::Integer, false, "Id.")];
    let old = ir(
        vec![Method {
            result: list(base.clone()),
            ..method("m.list")
        }],
        vec![],
    );
    let mut more = base.clone();
    more.push(field("TITLE", Kind::String, true, "Title."));
    let new = ir(
        vec![Method {
            result: list(more),
            ..method("m.list")
        }],
        vec![],
    );

    let c = diff(&old, &new);
    let ch = only(&c);
    assert_eq!((ch.area, ch.path.as_str()), (Area::Result, "[].TITLE"));
    assert_eq!(
        ch.bump,
        Bump::Minor,
        "a new result field is additive, required or not"
    );

    let c = diff(&new, &old);
    assert_eq!(only(&c).change.tag(), "field_removed");
    assert_eq!(c.bump, Bump::Major);
}

#[test]
fn result_appearing_or_disappearing_changes_the_type() {
    let c = diff_method(|m| m.result = None);
    assert_eq!(
        only(&c).change,
        ChangeKind::TypeChanged {
            old: "object".into(),
            new: "unspecified".into(),
            rust_old: "struct".into(),
            rust_new: "serde_json::Value".into(),
        }
    );
    assert_eq!(c.bump, Bump::Major);
}

#[test]
fn error_codes_added_minor_removed_major_status_patch() {
    let c = diff_method(|m| m.errors.push(err("LIMIT", 429, "Too many.", false)));
    let ch = only(&c);
    assert_eq!((ch.area, ch.path.as_str()), (Area::Errors, "LIMIT"));
    assert_eq!(
        ch.change,
        ChangeKind::ErrorAdded {
            http_status: vec![429]
        }
    );
    assert_eq!(ch.bump, Bump::Minor);
    assert_eq!(ch.text.as_deref(), Some("Too many."));

    let c = diff_method(|m| {
        m.errors.remove(0);
    });
    assert_eq!(only(&c).change.tag(), "error_removed");
    assert_eq!(c.bump, Bump::Major);

    let c = diff_method(|m| m.errors[0].http_status = Some(404));
    assert_eq!(
        only(&c).change,
        ChangeKind::ErrorStatusChanged {
            old: vec![400],
            new: vec![404]
        }
    );
    assert_eq!(c.bump, Bump::Patch);

    let c = diff_method(|m| m.errors[0].doc = en("No such deal."));
    assert_eq!(only(&c).change.tag(), "doc_changed");
    assert_eq!(only(&c).text.as_deref(), Some("No such deal."));
}

#[test]
fn system_errors_are_reported_once_not_per_method() {
    let names = ["a.x", "b.y", "c.z"];
    let old = ir(names.iter().map(|n| method(n)).collect(), vec![]);
    let mut new = old.clone();
    for m in &mut new.methods {
        m.errors
            .push(err("QUERY_LIMIT_EXCEEDED", 503, "Too many requests.", true));
    }
    let c = diff(&old, &new);
    let ch = only(&c);
    assert_eq!(ch.item_kind, ItemKind::System);
    assert_eq!(ch.scope, "(all methods)");
    assert_eq!(ch.path, "QUERY_LIMIT_EXCEEDED");
    assert_eq!(
        ch.bump,
        Bump::Patch,
        "system codes are the runtime's SystemError"
    );
}

#[test]
fn doc_text_only_is_patch_and_whitespace_is_nothing() {
    let c = diff_method(|m| m.summary = en("The method now does other things."));
    let ch = only(&c);
    assert_eq!(ch.change.tag(), "doc_changed");
    assert_eq!(
        ch.text.as_deref(),
        Some("The method now does other things.")
    );
    assert_eq!(c.bump, Bump::Patch);

    let c = diff_method(|m| m.summary = en("The method\n   does things."));
    assert!(c.is_empty(), "{:?}", c.changes);

    // A change in the Russian text alone is a change too.
    let c = diff_method(|m| m.params[0].doc.ru = Some("Идентификатор сделки.".into()));
    assert_eq!(only(&c).change.tag(), "doc_changed");
    assert_eq!(only(&c).path, "id");
}

#[test]
fn enum_values_added_minor_removed_major_plain_values_patch() {
    let v = |s: &str| EnumValue {
        value: s.into(),
        doc: en(&format!("Value {s}.")),
    };
    let with = |kind: Kind, values: Vec<EnumValue>| {
        let mut m = method("m.x");
        m.params = vec![Field {
            values,
            ..field("STATUS", kind, false, "Status.")
        }];
        ir(vec![m], vec![])
    };
    let old = with(Kind::Enum, vec![v("A"), v("B")]);
    let new = with(Kind::Enum, vec![v("A"), v("C")]);
    let c = diff(&old, &new);
    assert_eq!(
        tags(&c),
        vec![
            ("value_removed", "STATUS".into(), Bump::Major),
            ("value_added", "STATUS".into(), Bump::Minor),
        ]
    );

    let old = with(Kind::Integer, vec![v("1")]);
    let new = with(Kind::Integer, vec![v("1"), v("2")]);
    let c = diff(&old, &new);
    assert_eq!(
        only(&c).change,
        ChangeKind::ValueAdded {
            value: "2".into(),
            enum_type: false
        }
    );
    assert_eq!(c.bump, Bump::Patch);
}

#[test]
fn scopes_aliases_pagination() {
    let c = diff_method(|m| m.scopes = vec!["crm".into(), "user".into()]);
    assert_eq!(only(&c).change.tag(), "scopes_changed");
    assert_eq!(
        only(&c).scope,
        "crm, user",
        "grouped under the newest scopes"
    );
    assert_eq!(c.bump, Bump::Patch, "still generated into the crm crate");
    let c = diff_method(|m| m.scopes = vec!["user".into()]);
    assert_eq!(c.bump, Bump::Major, "moves to the user crate");

    let c = diff_method(|m| m.aliases = vec!["crm.deal.create".into()]);
    assert_eq!(
        only(&c).change,
        ChangeKind::AliasAdded {
            alias: "crm.deal.create".into()
        }
    );
    assert_eq!(c.bump, Bump::Patch, "aliases are only named in rustdoc");

    let c = diff_method(|m| m.paginated = true);
    assert_eq!(
        only(&c).change,
        ChangeKind::PaginatedChanged {
            old: false,
            new: true
        }
    );
    assert_eq!(c.bump, Bump::Minor, "gains `impl Paginated`");
    let old = ir(
        vec![Method {
            paginated: true,
            ..method("m.x")
        }],
        vec![],
    );
    let new = ir(vec![method("m.x")], vec![]);
    assert_eq!(diff(&old, &new).bump, Bump::Major, "loses `impl Paginated`");

    let c = diff_method(|m| m.rate_limit_per_sec = Some(2.0));
    assert_eq!(c.bump, Bump::Patch);
}

#[test]
fn rest_version_move_is_one_change_both_versions_are_two_methods() {
    let v3 = |m: Method| Method {
        rest_version: 3,
        ..m
    };
    let old = ir(vec![method("tasks.task.add")], vec![]);
    let new = ir(vec![v3(method("tasks.task.add"))], vec![]);
    let c = diff(&old, &new);
    let ch = only(&c);
    assert_eq!(ch.change, ChangeKind::RestVersionChanged { old: 2, new: 3 });
    assert_eq!(ch.item, "tasks.task.add (REST 3.0)");
    assert_eq!(c.bump, Bump::Major);
    assert!(c.methods_added().is_empty() && c.methods_removed().is_empty());

    let both = ir(
        vec![method("tasks.task.add"), v3(method("tasks.task.add"))],
        vec![],
    );
    let c = diff(&old, &both);
    assert_eq!(c.methods_added(), vec!["tasks.task.add (REST 3.0)"]);
    assert_eq!(c.bump, Bump::Minor);
}

#[test]
fn events_added_removed_deprecated_payload() {
    let old = ir(vec![], vec![event("onA"), event("onB")]);
    let mut new = ir(vec![], vec![event("onA"), event("onC")]);
    new.events[0].payload.push(field(
        "data",
        Kind::Object { fields: vec![] },
        true,
        "Data.",
    ));
    let c = diff(&old, &new);
    assert_eq!(c.events_added(), vec!["onC"]);
    assert_eq!(c.events_removed(), vec!["onB"]);
    let payload = c.changes.iter().find(|c| c.area == Area::Payload).unwrap();
    assert_eq!(
        (payload.item.as_str(), payload.path.as_str()),
        ("onA", "data")
    );
    assert_eq!(payload.bump, Bump::Minor);
    assert_eq!(c.bump, Bump::Major);

    let mut dep = old.clone();
    dep.events[0].deprecated = true;
    assert_eq!(only(&diff(&old, &dep)).bump, Bump::Minor);
}

#[test]
fn field_deprecation_and_default() {
    let c = diff_method(|m| m.params[1].deprecated = true);
    assert_eq!(
        only(&c).change,
        ChangeKind::Deprecated { replaced_by: None }
    );
    assert_eq!(only(&c).path, "fields");
    assert_eq!(c.bump, Bump::Minor);

    let c = diff_method(|m| m.params[1].default = Some("{}".into()));
    assert_eq!(only(&c).change.tag(), "default_changed");
    assert_eq!(c.bump, Bump::Patch);
}

#[test]
fn order_is_sorted_and_independent_of_input_order() {
    let mut old = ir(
        vec![
            method("crm.b"),
            method("crm.a"),
            Method {
                scopes: vec!["im".into()],
                ..method("im.a")
            },
        ],
        vec![],
    );
    let mut new = old.clone();
    for m in &mut new.methods {
        m.params.push(field("z", Kind::String, false, "Z."));
        m.params.push(field("a", Kind::String, true, "A."));
        m.summary = en("Changed.");
    }
    new.methods.push(method("crm.c"));
    let c1 = diff(&old, &new);
    old.methods.reverse();
    new.methods.reverse();
    let c2 = diff(&old, &new);
    assert_eq!(render_json(&c1).unwrap(), render_json(&c2).unwrap());
    let keys: Vec<_> = c1.changes.iter().map(Change::sort_key).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(c1.changes.first().map(|c| c.item.as_str()), Some("crm.a"));
    assert_eq!(c1.changes.last().map(|c| c.scope.as_str()), Some("im"));
}

#[test]
fn json_is_stable_and_round_trips() {
    let c = diff_method(|m| {
        m.params.push(field("mode", Kind::String, true, "Mode."));
        m.deprecated = true;
    });
    let json = render_json(&c).unwrap();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["bump"], "major");
    let added = &v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["change"] == "field_added")
        .unwrap();
    assert_eq!(added["type"], "string");
    assert_eq!(added["required"], true);
    assert_eq!(added["area"], "params");
    assert_eq!(added["item_kind"], "method");
    let back: Changes = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn bump_apply_follows_cargo_rules() {
    assert_eq!(Bump::Major.apply("1.4.2").unwrap(), "2.0.0");
    assert_eq!(Bump::Minor.apply("1.4.2").unwrap(), "1.5.0");
    assert_eq!(Bump::Patch.apply("1.4.2").unwrap(), "1.4.3");
    assert_eq!(Bump::Major.apply("0.4.2").unwrap(), "0.5.0");
    assert_eq!(Bump::Minor.apply("0.4.2").unwrap(), "0.4.3");
    assert_eq!(Bump::Major.apply("0.0.3").unwrap(), "0.0.4");
    assert_eq!(Bump::None.apply("0.4.2-rc.1").unwrap(), "0.4.2");
    assert!(Bump::Minor.apply("1.2").is_err());
    assert!(Bump::Minor.apply("x.y.z").is_err());
}

#[test]
fn text_output_is_a_changelog_by_scope_ending_with_the_bump() {
    let old = ir(
        vec![
            method("crm.deal.add"),
            method("crm.deal.old"),
            Method {
                scopes: vec!["im".into()],
                ..method("im.x")
            },
        ],
        vec![],
    );
    let mut new = old.clone();
    new.methods.retain(|m| m.name != "crm.deal.old");
    new.methods[0].params.push(field(
        "mode",
        Kind::String,
        false,
        "Work [mode](#modes). Second sentence.",
    ));
    new.methods[0].title = en("Add a deal");
    new.methods[0].params[0].doc = en("Deal identifier.");
    new.methods[0].params.remove(1);
    new.methods[1].deprecated = true;
    new.methods[1].replaced_by = Some("im.y".into());
    let text = render_text(&diff(&old, &new));
    insta::assert_snapshot!(text);
    assert!(text
        .trim_end()
        .ends_with("Semver bump for the generated crate: **major**"));
}

#[test]
fn changelog_section_has_the_version_heading() {
    let c = diff_method(|m| m.params.push(field("mode", Kind::String, false, "Mode.")));
    let s = b24gen::diff::changelog_section(&c, "0.3.0");
    assert!(s.starts_with("## 0.3.0\n\nSemver: **minor**."), "{s}");
    assert!(s.contains("\n### crm\n\n#### Added\n\n- `crm.deal.add`: new optional param `mode` (`string`): Mode.\n"), "{s}");
}

#[test]
fn letter_case_respelling_is_one_change_major_when_rust_names_change() {
    let old = ir(
        vec![method("disk.file.copyto"), method("disk.file.a")],
        vec![event("onTaskAdd")],
    );
    let new = ir(
        vec![method("disk.file.copyTo"), method("disk.file.A")],
        vec![event("OnTaskAdd")],
    );
    let c = diff(&old, &new);
    assert!(c.methods_added().is_empty(), "{:?}", c.methods_added());
    assert!(c.methods_removed().is_empty());
    assert!(c.events_added().is_empty());
    assert_eq!(c.methods.added + c.methods.removed, 0);
    let renames: Vec<_> = c
        .changes
        .iter()
        .filter(|c| c.change.tag() == "renamed")
        .map(|c| (c.item.as_str(), c.change.clone(), c.bump))
        .collect();
    assert_eq!(
        renames,
        vec![
            (
                "disk.file.A",
                ChangeKind::Renamed {
                    from: "disk.file.a".into(),
                    rust_names_kept: true,
                },
                Bump::Patch
            ),
            (
                "disk.file.copyTo",
                ChangeKind::Renamed {
                    from: "disk.file.copyto".into(),
                    rust_names_kept: false,
                },
                Bump::Major
            ),
            (
                "OnTaskAdd",
                ChangeKind::Renamed {
                    from: "onTaskAdd".into(),
                    rust_names_kept: true,
                },
                Bump::Patch
            ),
        ]
    );

    // Two candidates for one name: no guess.
    let new = ir(
        vec![
            method("disk.file.copyTo"),
            method("disk.file.COPYTO"),
            method("disk.file.a"),
        ],
        vec![],
    );
    let old = ir(
        vec![method("disk.file.copyto"), method("disk.file.a")],
        vec![],
    );
    let c = diff(&old, &new);
    assert_eq!(
        c.methods_added(),
        vec!["disk.file.COPYTO", "disk.file.copyTo"]
    );
    assert_eq!(c.methods_removed(), vec!["disk.file.copyto"]);
}

#[test]
fn ref_names_differing_only_in_separators_are_the_same_type() {
    let r = |name: &str| Type::new(name, Kind::Ref { name: name.into() });
    let c = diff_method(|m| m.params[0].ty = r("crm.enum.contenttype"));
    assert_eq!(c.bump, Bump::Major, "integer → ref");
    let old = ir(
        vec![Method {
            params: vec![Field {
                ty: r("crm.enum.contenttype"),
                ..field("T", Kind::Any, false, "T.")
            }],
            ..method("m.x")
        }],
        vec![],
    );
    let new = ir(
        vec![Method {
            params: vec![Field {
                ty: r("crm_enum_contenttype"),
                ..field("T", Kind::Any, false, "T.")
            }],
            ..method("m.x")
        }],
        vec![],
    );
    // `crm.enum.contenttype` is a code (`String`), `crm_enum_contenttype` unknown (`Value`).
    let c = diff(&old, &new);
    assert_eq!(only(&c).change.tag(), "type_changed");
    assert_eq!(c.bump, Bump::Major);
    let upper = ir(
        vec![Method {
            params: vec![Field {
                ty: r("CRM.ENUM.CONTENTTYPE"),
                ..field("T", Kind::Any, false, "T.")
            }],
            ..method("m.x")
        }],
        vec![],
    );
    let c = diff(&old, &upper);
    assert_eq!(only(&c).change.tag(), "type_doc_changed");
    assert_eq!(c.bump, Bump::Patch);
    let other = ir(
        vec![Method {
            params: vec![Field {
                ty: r("crm_status"),
                ..field("T", Kind::Any, false, "T.")
            }],
            ..method("m.x")
        }],
        vec![],
    );
    assert_eq!(only(&diff(&old, &other)).change.tag(), "type_changed");
}

#[test]
fn change_text_is_the_new_wording_as_written() {
    let c = diff_method(|m| {
        m.params.push(field(
            "mode",
            Kind::String,
            false,
            "Mode of work.\n\n- `a` — auto",
        ))
    });
    assert_eq!(
        only(&c).text.as_deref(),
        Some("Mode of work.\n\n- `a` — auto")
    );
    let text = render_text(&c);
    assert!(
        text.contains("new optional param `mode` (`string`): Mode of work.\n"),
        "{text}"
    );
}
