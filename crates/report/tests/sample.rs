use report::{sample::sample, validate, Options};
use units::Units;

#[test]
fn samples_of_all_63_provinces_have_no_errors() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    for p in &u.provinces {
        let r = sample(&t, &u, &p.code, 7).unwrap();
        let problems = validate(&t, &r, &u, Options::default());
        let errors: Vec<_> = problems
            .iter()
            .filter(|p| p.severity == outline::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", p.name);
    }
}

/// The 63 samples of one seed look like the real exercise (DOMAIN.md, "How often each model
/// occurred"): each model in exactly its catalogue share of the provinces, most provinces one to
/// three models, province-level mergers in a few provinces, each district-level merger in at most
/// a third, some models in only one or two provinces, and district counts in the catalogue's
/// range. `--full` has every model and every district.
#[test]
fn samples_follow_the_catalogues_frequencies() {
    let t = outline::builtin("kl74-2021").unwrap();
    let u = Units::load().unwrap();
    for seed in [1, 7, 2021] {
        let mut provinces_of: std::collections::BTreeMap<&str, usize> = Default::default();
        let mut one_to_three = 0;
        for p in &u.provinces {
            let r = sample(&t, &u, &p.code, seed).unwrap();
            let mut models = 0;
            for (block, list) in &r.blocks {
                for inst in list {
                    models += 1;
                    let entry = t.catalogue_entry(&inst.model).unwrap();
                    *provinces_of.entry(entry.code.as_str()).or_default() += 1;
                    if let Some([lo, hi]) = entry.sample.and_then(|f| f.districts) {
                        let rows = inst.answers[&format!("{block}.x2.dv")]
                            .as_array()
                            .unwrap()
                            .len();
                        let have = u.districts_of(&p.code).count();
                        assert!(
                            rows >= (lo as usize).min(have) && rows <= (hi as usize).min(have),
                            "{} {}: {rows} districts",
                            p.code,
                            entry.code
                        );
                    }
                }
            }
            if (1..=3).contains(&models) {
                one_to_three += 1;
            }
        }
        for c in &t.catalogue {
            let share = c.sample.unwrap().share;
            let want = (share * 63.0).round() as usize;
            let got = provinces_of.get(c.code.as_str()).copied().unwrap_or(0);
            assert_eq!(got, want, "seed {seed}: {} in {got} provinces", c.code);
            if c.level == "tinh" && c.family == "hop-nhat" {
                assert!(got <= 12, "{}: a few provinces, not {got}", c.code);
            }
            if c.level == "huyen" && c.family == "hop-nhat" {
                assert!(got <= 21, "{}: at most a third, not {got}", c.code);
            }
        }
        assert!(
            provinces_of.values().any(|&n| n <= 2),
            "some models in one or two provinces"
        );
        assert!(one_to_three > 63 / 2, "seed {seed}: {one_to_three} of 63");
    }
    let full = report::sample::SampleOptions { full: true };
    let r = report::sample::sample_with(&t, &u, "01", 1, full).unwrap();
    assert_eq!(r.blocks.values().map(Vec::len).sum::<usize>(), 15);
    let dv = r.blocks["B.II.2.m"][0].answers["B.II.2.m.x2.dv"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(dv, u.districts_of("01").count());
}
