"""Headless Debian Chromium for tests, driven by Selenium through Debian's chromedriver.

Nothing is downloaded: the browser and the driver are the system packages (`apt-get install
chromium chromium-driver`, see `make browser-deps`). A `Browser` opens URLs, follows links,
collects what the page logged to the console and takes screenshots.

    def test_x(browser: Browser):
        browser.open("http://127.0.0.1:8000/")
        browser.follow("main article h2 a")
        assert browser.console_errors() == []
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
INSTALL_HINT = "install Debian's chromium and chromium-driver (`make browser-deps`, as root)"
DESKTOP = (1280, 900)
MOBILE = (390, 844)


@dataclass(frozen=True)
class ConsoleEntry:
    level: str  # SEVERE | WARNING | INFO | DEBUG
    message: str
    source: str  # console-api | network | security | javascript | ...


@dataclass
class Browser:
    driver: Any  # selenium.webdriver.Chrome
    _seen: list[ConsoleEntry] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.driver.current_url)

    @property
    def title(self) -> str:
        return str(self.driver.title)

    def open(self, url: str) -> Browser:
        self.driver.get(url)
        return self

    def follow(self, css_selector: str) -> str:
        """Click the first link matching `css_selector`, wait for the next page; its URL."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        link = self.driver.find_element(By.CSS_SELECTOR, css_selector)
        link.click()
        WebDriverWait(self.driver, 10).until(expected_conditions.staleness_of(link))
        return self.url

    def back(self) -> str:
        self.driver.back()
        return self.url

    def links(self, css_selector: str = "a[href]") -> list[str]:
        """Absolute `href`s of the matching links on the current page, in document order."""
        from selenium.webdriver.common.by import By

        elements = self.driver.find_elements(By.CSS_SELECTOR, css_selector)
        return [str(element.get_property("href")) for element in elements]

    def text(self, css_selector: str) -> str:
        from selenium.webdriver.common.by import By

        return str(self.driver.find_element(By.CSS_SELECTOR, css_selector).text)

    def script(self, javascript: str, *args: Any) -> Any:
        """Run `javascript` in the page (a function body: `return` gives the result)."""
        return self.driver.execute_script(javascript, *args)

    def resize(self, size: tuple[int, int]) -> Browser:
        self.driver.set_window_size(*size)
        return self

    def console(self) -> list[ConsoleEntry]:
        """Everything logged to the console since the browser started (failed loads and
        Content-Security-Policy violations included: Chromium logs them as SEVERE)."""
        for raw in self.driver.get_log("browser"):  # the driver hands each entry out once
            self._seen.append(
                ConsoleEntry(str(raw["level"]), str(raw["message"]), str(raw.get("source", "")))
            )
        return list(self._seen)

    def console_errors(self) -> list[ConsoleEntry]:
        return [entry for entry in self.console() if entry.level == "SEVERE"]

    def screenshot(
        self, path: Path, size: tuple[int, int] = DESKTOP, full_page: bool = True
    ) -> Path:
        """Save a PNG of the current page at `size` (width, height); `full_page` stretches the
        window to the document's height first."""
        width, height = size
        self.driver.set_window_size(width, height)
        if full_page:
            document = self.driver.execute_script(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
            )
            self.driver.set_window_size(width, max(height, int(document)))
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(*DESKTOP)
        return path


def chromium_missing() -> str | None:
    """Why the browser cannot start here, or None when it can."""
    for binary in (CHROMIUM, CHROMEDRIVER):
        if not binary.is_file() and shutil.which(binary.name) is None:
            return f"{binary} is missing: {INSTALL_HINT}"
    return None


@contextmanager
def chromium(size: tuple[int, int] = DESKTOP) -> Iterator[Browser]:
    """A headless Chromium with console logging on; quits on exit."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    problem = chromium_missing()
    if problem:
        raise RuntimeError(problem)
    options = webdriver.ChromeOptions()
    # The Debian binary, so Selenium Manager never looks for (or downloads) a browser.
    options.binary_location = str(CHROMIUM if CHROMIUM.is_file() else shutil.which("chromium"))
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-dev-shm-usage",  # small /dev/shm in containers
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-background-networking",  # no calls home while tests run offline
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = (
        CHROMEDRIVER if CHROMEDRIVER.is_file() else Path(shutil.which("chromedriver") or "")
    )
    driver = webdriver.Chrome(service=Service(executable_path=str(driver_path)), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield Browser(driver)
    finally:
        driver.quit()
