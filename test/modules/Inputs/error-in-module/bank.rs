pub struct Account {
    owner: String,
    cents: u64,
}

impl Account {
    pub fn open(owner: &str) -> Account {
        Account { owner: owner.to_string(), cents: 0 }
    }
    pub fn deposit(&mut self, n: u64) {
        self.cents += n;
    }
    pub fn balance(&self) -> String {
        self.cents
    }
}
