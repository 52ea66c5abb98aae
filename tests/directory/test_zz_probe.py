import pytest
from tests.browser import launch, open_page, PAGE_KINDS, demo_service_ids, PHONE, DESKTOP

@pytest.mark.django_db(transaction=True)
def test_probe(live_server, demo):
    from axe_playwright_python.sync_playwright import Axe
    ids = demo_service_ids()
    axe = Axe()
    with launch() as browser:
        for vp in (PHONE, DESKTOP):
            for lang in ("en", "ar"):
                ctx, page, traffic = open_page(browser, viewport=vp)
                for kind in PAGE_KINDS:
                    kind.visit(page, live_server.url, lang, ids)
                    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
                    r = axe.run(page)
                    sw = page.evaluate("document.scrollingElement.scrollWidth")
                    print(vp["width"], lang, kind.name, page.url, r.violations_count, "scrollWidth", sw)
                    if r.violations_count:
                        print(r.generate_report())
                print(set(traffic.requests) and traffic.origins(), [c for c in traffic.console])
                ctx.close()
