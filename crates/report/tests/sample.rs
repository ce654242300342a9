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
