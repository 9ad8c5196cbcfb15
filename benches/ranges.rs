//! Provider-range membership: 100,000 ranges (90,000 IPv4, 10,000 IPv6) in the prefix table, then
//! look-ups of addresses half inside, half outside. `cargo bench --bench ranges`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use icp_patrol::dns::RangeTable;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// A small deterministic generator, so every run measures the same table.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 11
    }
}

fn bench(c: &mut Criterion) {
    let mut rng = Lcg(42);
    let mut nets: Vec<IpNet> = Vec::with_capacity(100_000);
    for _ in 0..90_000 {
        let len = 16 + (rng.next() % 13) as u8;
        nets.push(IpNet::V4(Ipv4Net::new(Ipv4Addr::from(rng.next() as u32), len).expect("net").trunc()));
    }
    for _ in 0..10_000 {
        let len = 32 + (rng.next() % 33) as u8;
        let hi = (rng.next() as u128) << 64;
        nets.push(IpNet::V6(Ipv6Net::new(Ipv6Addr::from(hi), len).expect("net").trunc()));
    }
    let table = RangeTable::new(nets.iter().copied());
    let probes: Vec<IpAddr> = (0..1_000)
        .map(|i| {
            if i % 2 == 0 {
                nets[(rng.next() % 90_000) as usize].addr()
            } else {
                IpAddr::V4(Ipv4Addr::from(rng.next() as u32))
            }
        })
        .collect();
    let mut group = c.benchmark_group("ranges");
    group.throughput(Throughput::Elements(probes.len() as u64));
    group.bench_function("contains, 100k ranges", |b| b.iter(|| probes.iter().filter(|a| table.contains(**a)).count()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
