"""scripts/mutation_report.py: the score and the unexplained survivors of a mutmut run."""

from scripts.mutation_report import read_harmless, read_results, report

RESULTS = """\
    provider.speech.adoption.x_create_or_adopt__mutmut_1: killed
    provider.speech.adoption.x_create_or_adopt__mutmut_2: survived
    provider.speech.adoption.x__adoptable__mutmut_5: timeout
    provider.config.x_flag__mutmut_3: no tests
    catalog.loader.xǁ_LoaderǁflagǁMutant__mutmut_1: killed
    catalog.loader.xǁ_LoaderǁflagǁMutant__mutmut_2: caught by type check
"""


def test_the_score_counts_timeouts_and_type_checks_as_killed_and_untested_code_as_survived():
    lines, unexplained = report(read_results(RESULTS.splitlines()), {}, [])
    assert lines[:2] == [
        "catalog: 2 of 2 mutants killed (100.0%)",
        "provider: 2 of 4 mutants killed (50.0%)",
    ]
    assert unexplained == 2
    assert "  provider.config.x_flag__mutmut_3: no tests (mutmut show provider.config.x_flag__mutmut_3)" in lines


def test_a_survivor_explained_as_harmless_is_not_a_failure():
    harmless = read_harmless(
        "# comment line\nprovider.speech.adoption.x_create_or_adopt__mutmut_2  # only the wording of a message\n"
    )
    lines, unexplained = report(read_results(RESULTS.splitlines()), harmless, ["provider/speech/adoption.py"])
    assert lines == [
        "provider: 2 of 3 mutants killed (66.7%)",
        "harmless (tests/mutation_harmless.txt): 1; unexplained survivors: 0",
    ]
    assert unexplained == 0
