//! The IR issue's "done when" on the real reference (EN + RU together).

#[test]
fn whole_reference_reads_into_the_ir() {
    let Some(docs) = b24gen::corpus_or_skip("whole_reference_reads_into_the_ir") else {
        return;
    };
    let reading = b24gen::read(&[docs.join("en"), docs.join("ru")]);
    let report = b24gen::report::Report::new(&reading);
    println!("{}", report.render());
    let ir = &reading.ir;

    assert!(
        report.distinct_method_names >= 1650,
        "{} method names",
        report.distinct_method_names
    );
    assert!(report.events >= 185, "{} events", report.events);
    assert!(
        report.methods_with_en_and_ru >= 1640,
        "{} methods with EN+RU",
        report.methods_with_en_and_ru
    );
    let typed = report.param_rows_resolved as f64 / report.param_rows_typed as f64;
    assert!(typed >= 0.97, "typed rows resolved: {typed}");
    let links = report.subtable_links_resolved as f64 / report.subtable_links as f64;
    assert!(links >= 0.97, "sub-table links resolved: {links}");

    // Every method page is in the IR or named in a diagnostic.
    let in_ir: std::collections::HashSet<&str> = ir
        .methods
        .iter()
        .flat_map(|m| m.sources.iter().map(String::as_str))
        .chain(
            ir.events
                .iter()
                .flat_map(|e| e.sources.iter().map(String::as_str)),
        )
        .collect();
    let diagnosed: std::collections::HashSet<&str> =
        ir.diagnostics.iter().map(|d| d.page.as_str()).collect();
    for p in &reading.pages {
        assert!(
            in_ir.contains(p.id.as_str()) || diagnosed.contains(p.id.as_str()),
            "{} is neither in the IR nor in a diagnostic",
            p.id
        );
    }

    // Spot checks against the pages.
    let deal = ir
        .methods
        .iter()
        .find(|m| m.name == "crm.deal.add")
        .expect("crm.deal.add");
    assert!(deal.deprecated);
    assert_eq!(deal.replaced_by.as_deref(), Some("crm.item.add"));
    let fields = deal
        .params
        .iter()
        .find(|p| p.name == "fields")
        .expect("fields");
    let nested = fields.ty.fields().expect("fields has nested fields");
    let opened = nested.iter().find(|f| f.name == "OPENED").expect("OPENED");
    assert_eq!(opened.ty.kind, b24gen::ir::Kind::YesNo);
    assert_eq!(opened.default.as_deref(), Some("Y"));
    assert!(
        deal.errors.iter().any(|e| e.code.is_empty()),
        "Empty value rows kept"
    );
    assert!(deal
        .errors
        .iter()
        .any(|e| e.code == "QUERY_LIMIT_EXCEEDED" && e.system));
    assert!(!deal.examples.requests.is_empty() && !deal.examples.responses.is_empty());
    let v3 = ir
        .methods
        .iter()
        .filter(|m| m.name == "tasks.task.get")
        .count();
    assert_eq!(
        v3, 2,
        "REST 2 and REST 3 pages of tasks.task.get stay apart"
    );
}
