"""A Scrapy spider that only fetches each farm host's homepage and runs one regex: the floor a crawler
pays, for the daemon's side-by-side ratio. Usage: spider.py PORT SITES CONCURRENCY; prints the count."""
import re
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

PORT, SITES, CONCURRENCY = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
ICP = re.compile(r"[\u4e00-\u9fa5]ICP[备证]\s*\d+\s*号?(?:-\d+)?")
seen = []


class Farm(scrapy.Spider):
    name = "farm"

    async def start(self):
        # Scrapy ≥ 2.13 starts a spider here (start_requests below serves older ones).
        for request in self.start_requests():
            yield request

    def start_requests(self):
        # Every host is on the farm's one address; the Host header names the site (no DNS asked).
        for i in range(SITES):
            yield scrapy.Request(f"http://127.0.0.1:{PORT}/?site={i}", headers={"Host": f"site{i}.bench.test"},
                                 dont_filter=True)

    def parse(self, response):
        seen.append(bool(ICP.search(response.text)))


process = CrawlerProcess(settings={
    "LOG_ENABLED": False, "CONCURRENT_REQUESTS": CONCURRENCY, "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
    "ROBOTSTXT_OBEY": False, "COOKIES_ENABLED": False, "RETRY_ENABLED": False, "TELNETCONSOLE_ENABLED": False,
    "HTTPPROXY_ENABLED": False, "DOWNLOAD_TIMEOUT": 30,
})
process.crawl(Farm)
process.start()
print(len(seen))
