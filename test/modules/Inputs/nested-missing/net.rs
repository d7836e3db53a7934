mod tcp;

pub fn connect() {
    tcp::open();
}
