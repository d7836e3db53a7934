pub fn shout(s: &str) -> String {
    format!("{}!", s.to_uppercase())
}
