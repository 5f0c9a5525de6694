"""The command line: `--help` imports no subcommand and no numerics; every
subcommand's own help works."""
import subprocess
import sys

import pytest

from analysis.cli import COMMANDS, main


def test_top_level_help_imports_no_command_and_no_numerics():
    code = ("import sys\nfrom analysis.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'pandas', 'scipy', 'matplotlib', 'roadrunner', "
            "'libsbml', 'COPASI', 'pysb', 'analysis.commands.simulate') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out
    assert all(name in out for name in COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_subcommand_has_its_own_help(name, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([name, "--help"])
    assert exit_.value.code == 0
    assert f"usage: python -m analysis {name}" in capsys.readouterr().out


def test_an_unknown_command_is_refused_by_argparse(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["simulat"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
