pub struct Account {
    pub owner: String,
    cents: u64,
}

impl Account {
    pub fn open(owner: &str) -> Account {
        Account { owner: owner.to_string(), cents: 0 }
    }
}
