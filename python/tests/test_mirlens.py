"""The Python package against the command line: every result is compared with what
`mirlens fold / encode / predict / explain / scan` print for the same input (the CLI is the
independent reference here; both run the library, through different front ends).
Run by tests/cli/python.sh with MIRLENS (the command), MIRLENS_LIB and PYTHONPATH set."""
import math
import os
import subprocess
import threading
import time
import zlib

import numpy as np
import pytest

import mirlens

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.path.abspath(os.environ.get("MIRLENS", os.path.join(ROOT, "mirlens")))
EXAMPLE = os.path.join(ROOT, "examples", "hairpins.fa")
GENOME = os.path.join(ROOT, "tests", "data", "scan", "genome.fa")
MODEL = os.path.join(ROOT, "models", "default.mrlm")


# the command's environment: not the sanitizer runtime tests/cli/python.sh preloads into
# the interpreter for the sanitizer build's library (the command carries its own)
ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}


def run(*args):
    return subprocess.run([CLI] + list(args), check=True, capture_output=True, text=True,
                          env=ENV).stdout


def read_fasta(path):
    ids, seqs = [], []
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            ids.append(line[1:].split()[0])
            seqs.append("")
        elif line:
            seqs[-1] += line
    return ids, seqs


def table(text):
    rows = [r.split("\t") for r in text.rstrip("\n").split("\n")]
    return rows[0], rows[1:]


IDS, SEQS = read_fasta(EXAMPLE)


def test_fold_matches_cli():
    head, rows = table(run("fold", "--tsv", "-q", EXAMPLE))
    structs, mfe = mirlens.fold(SEQS, threads=2)
    assert len(rows) == len(SEQS) > 5
    for r, s, e in zip(rows, structs, mfe):
        assert r[2] == s
        assert r[3] == "%.2f" % e


def test_encode_matches_cli(tmp_path):
    run("encode", "-q", "-f", "u8", "-o", str(tmp_path / "img"), EXAMPLE)
    want = np.fromfile(tmp_path / "img.u8", dtype=np.uint8).reshape(-1, 25, 100, 3)
    img, cols = mirlens.encode(SEQS)
    assert img.shape == (len(SEQS), 3, 25, 100) and img.dtype == np.uint8
    assert np.array_equal(img, want.transpose(0, 3, 1, 2))
    # the column map: every non-white column of the 5' half shows the base at pos5
    colour = {"A": (255, 255, 0), "C": (0, 0, 255), "G": (255, 0, 0), "U": (0, 255, 0),
              "T": (0, 255, 0)}
    checked = 0
    for i, s in enumerate(SEQS):
        for c in range(100):
            p = cols[i, 0, c]
            if p >= 0 and s[p].upper() in colour:
                assert tuple(img[i, :, 12, c]) == colour[s[p].upper()]
                checked += 1
    assert checked > 100


def test_predict_matches_cli():
    head, rows = table(run("predict", "-q", "-m", MODEL, EXAMPLE))
    m = mirlens.Model.load(MODEL, threads=2)
    prob, margin = m.predict(SEQS)
    k = head.index("score")
    for r, p in zip(rows, prob):
        assert abs(float(r[k]) - p) <= 5e-7 + 1e-6 * abs(p)  # printed with 6 decimals
    # one model: the probability is the logistic of the margin (2-class softmax)
    assert np.allclose(prob, 1 / (1 + np.exp(-margin.astype(np.float64))), rtol=1e-5, atol=1e-7)
    if "margin" in head:  # the predict table's margin column, where present
        j = head.index("margin")
        for r, g in zip(rows, margin):
            assert abs(float(r[j]) - g) <= 1e-4 * max(1, abs(g))


def test_predict_ensemble_and_default():
    genome = mirlens.data_path("genome.mrlm")
    head, rows = table(run("predict", "-q", "-m", MODEL, "-m", genome, EXAMPLE))
    with mirlens.Model.load([MODEL, genome], threads=1) as e:
        prob, _ = e.predict(SEQS)
    k = head.index("score")
    assert np.allclose([float(r[k]) for r in rows], prob, atol=5e-7 + 1e-6)
    # the default model is the command's default (found the same way)
    head, rows = table(run("predict", "-q", EXAMPLE))
    prob, _ = mirlens.predict(SEQS)
    assert np.allclose([float(r[k]) for r in rows], prob, atol=5e-7 + 1e-6)


def test_predict_no_hairpin_and_threads():
    m = mirlens.Model.load(MODEL)
    prob, margin = m.predict(["AAAAAAAAAA"] + SEQS[:3])
    assert math.isnan(prob[0]) and math.isnan(margin[0])
    p1, m1 = m.predict(SEQS, threads=1)
    p4, m4 = m.predict(SEQS, threads=4)
    assert np.array_equal(p1, p4) and np.array_equal(m1, m4)


@pytest.mark.parametrize("method", ["integrated-gradients", "gradient", "shap"])
def test_explain_matches_cli(tmp_path, method):
    # one sequence per command: a stochastic method (shap) draws from the stream of the
    # image's index in the call, and Model.explain explains one image per call
    m = mirlens.Model.load(MODEL, threads=2)
    for i, s in zip(IDS[:2], SEQS[:2]):
        fa = tmp_path / (i + ".fa")
        fa.write_text(">%s\n%s\n" % (i, s))
        run("explain", "-q", "-m", MODEL, "--method", method, "-o", str(tmp_path / "x"), str(fa))
        head, rows = table((tmp_path / "x" / "nucleotides.tsv").read_text())
        shead, srows = table((tmp_path / "x" / "summary.tsv").read_text())
        attr, amap, info = m.explain(s, method=method)
        want = np.load(tmp_path / "x" / ("%s.%s.npy" % (i, method)))
        assert amap.shape == want.shape == (3, 25, 100)
        assert np.allclose(amap, want, rtol=1e-4, atol=1e-5)
        got = [float(r[head.index("attribution")]) for r in rows
               if r[0] == i and r[head.index("method")] == method]
        assert len(got) == len(s)
        assert np.allclose(attr, got, rtol=1e-5, atol=1e-6)  # printed with %.6g
        srow = [r for r in srows if r[0] == i and r[1] == method][0]
        assert abs(float(srow[shead.index("score")]) - info["score"]) <= 1e-5
        assert abs(float(srow[shead.index("logit")]) - info["logit"]) <= 1e-5 * max(1, abs(info["logit"]))


def test_scan_matches_cli(tmp_path):
    run("scan", "-q", "-j", "2", "-m", MODEL, GENOME, "-o", str(tmp_path / "cli"))
    m = mirlens.Model.load(MODEL, threads=2)
    recs = m.scan(GENOME, prefix=str(tmp_path / "py"))
    for ext in ("candidates.tsv", "bed", "gff3"):
        a = [l for l in open(tmp_path / ("cli." + ext)) if " models=" not in l]
        b = [l for l in open(tmp_path / ("py." + ext)) if " models=" not in l]
        assert a == b, ext
    rows = [l.rstrip("\n").split("\t") for l in open(tmp_path / "cli.candidates.tsv")
            if not l.startswith("#")]
    assert len(recs) == len(rows) > 10
    for r, c in zip(rows, recs):
        assert (r[0], int(r[1]), int(r[2]), r[3], r[4]) == \
               (c["chrom"], c["start"], c["end"], c["strand"], c["sequence"])
        assert float(r[7]) == c["score"]
    # a sequence given as a string: written to a temporary FASTA, nothing left behind
    one = m.scan({"x": read_fasta(GENOME)[1][0][:3000]})
    assert all(c["chrom"] == "x" for c in one) and len(one) > 0
    # max_repeat: an element planted three times is dropped by default, kept with 1
    rep = "GGCATCAGTTACCGATGCAAGTTCCAGTGAAAGCTGGAACTTGCATCGGTAACTGATGCC"
    x = read_fasta(GENOME)[1][0][:3000]
    g = {"x": x[:500] + rep + x[500:1500] + rep + x[1500:2500] + rep + x[2500:]}
    at = lambda cs: [c for c in cs if c["start"] <= 510 and c["end"] >= 490 + len(rep)]
    assert at(m.scan(g, max_repeat=1, min_score=0)) and not at(m.scan(g, min_score=0))
    run("scan", "-q", "-m", MODEL, "--max-repeat", "0.3", GENOME, "-o", str(tmp_path / "c3"))
    m.scan(GENOME, max_repeat=0.3, prefix=str(tmp_path / "p3"))
    a = [l for l in open(tmp_path / "c3.candidates.tsv") if " models=" not in l]
    assert a == [l for l in open(tmp_path / "p3.candidates.tsv") if " models=" not in l]
    with pytest.raises(mirlens.Error, match="maximal repeat share"):
        m.scan(g, max_repeat=-1)


def test_scan_default_models_match_cli(tmp_path):
    # the shipped genome models as an ensemble, found as the command finds them
    fa = tmp_path / "x.fa"
    fa.write_text(">x\n%s\n" % read_fasta(GENOME)[1][0][:6000])
    run("scan", "-q", str(fa), "-o", str(tmp_path / "cli"))
    recs = mirlens.scan(str(fa), prefix=str(tmp_path / "py"))
    a = [l for l in open(tmp_path / "cli.candidates.tsv") if not l.startswith("#")]
    b = [l for l in open(tmp_path / "py.candidates.tsv") if not l.startswith("#")]
    assert a == b and len(recs) == len(a) > 0
    assert " models=genome.mrlm:" in open(tmp_path / "cli.candidates.tsv").read()
    assert ",genome_scratch.mrlm:" in open(tmp_path / "cli.candidates.tsv").read()


def test_errors_carry_library_message(tmp_path):
    with pytest.raises(mirlens.Error, match="cannot open '/nonexistent/m.mrlm'"):
        mirlens.Model.load("/nonexistent/m.mrlm")
    bad = tmp_path / "bad.mrlm"
    bad.write_bytes(b"not a model")
    with pytest.raises(mirlens.Error) as e:
        mirlens.Model.load(str(bad))
    assert e.value.code < 0 and str(bad) in str(e.value)
    m = mirlens.Model.load(MODEL)
    with pytest.raises(mirlens.Error, match="unknown explanation method 'nope'"):
        m.explain(SEQS[0], method="nope")
    with pytest.raises(mirlens.Error, match="hairpin"):
        m.explain("AAAAAAAAAA", method="gradient")
    # the command prints the same message
    r = subprocess.run([CLI, "predict", "-m", "/nonexistent/m.mrlm", EXAMPLE],
                       capture_output=True, text=True, env=ENV)
    assert r.returncode == 1 and "cannot open '/nonexistent/m.mrlm'" in r.stderr


def test_data_path_env(tmp_path, monkeypatch):
    assert os.path.samefile(mirlens.data_path("default.mrlm"), MODEL)
    monkeypatch.setenv("MIRLENS_DATA", str(tmp_path))
    with pytest.raises(mirlens.Error, match="not found in .MIRLENS_DATA"):
        mirlens.data_path("default.mrlm")
    os.symlink(MODEL, tmp_path / "default.mrlm")
    assert mirlens.data_path("default.mrlm") == str(tmp_path / "default.mrlm")


def test_default_models_follow_cli(tmp_path, monkeypatch):
    # $MIRLENS_MODEL moves the default model, and scan's genome models are looked for beside
    # it: with only genome.mrlm there, Python and the command both scan with that one alone
    d = tmp_path / "models"
    d.mkdir()
    os.symlink(MODEL, d / "default.mrlm")
    os.symlink(os.path.join(ROOT, "models", "genome.mrlm"), d / "genome.mrlm")
    monkeypatch.setenv("MIRLENS_MODEL", str(d / "default.mrlm"))
    monkeypatch.delenv("MIRLENS_GENOME_MODEL", raising=False)
    assert mirlens.default_models() == [str(d / "default.mrlm")]
    assert mirlens.default_models(scan=True) == [str(d / "genome.mrlm")]
    fa = tmp_path / "x.fa"
    fa.write_text(">x\n%s\n" % read_fasta(GENOME)[1][0][:3000])
    env = dict(ENV, MIRLENS_MODEL=str(d / "default.mrlm"))
    env.pop("MIRLENS_GENOME_MODEL", None)
    subprocess.run([CLI, "scan", "-q", str(fa), "-o", str(tmp_path / "cli")], check=True,
                   env=env)
    mirlens.scan(str(fa), prefix=str(tmp_path / "py"))
    head = ["".join(open(tmp_path / (p + ".candidates.tsv")).readlines()[:5])
            for p in ("cli", "py")]
    # the tag: the CRC-32 of the model file but its own trailing CRC (zlib here)
    with open(d / "genome.mrlm", "rb") as f:
        tag = " models=genome.mrlm:%08x\n" % zlib.crc32(f.read()[:-4])
    assert all(tag in h for h in head), head
    # neither genome model: the default model alone
    os.unlink(d / "genome.mrlm")
    assert mirlens.default_models(scan=True) == [str(d / "default.mrlm")]


def test_gil_released_during_work():
    """While one thread folds, another runs Python: cffi drops the GIL around C calls."""
    rng = np.random.default_rng(1)
    seqs = ["".join(rng.choice(list("ACGU"), 400)) for _ in range(60)]
    done = threading.Event()
    took = {}

    def work():
        t = time.perf_counter()
        mirlens.fold(seqs, threads=1)
        took["s"] = time.perf_counter() - t
        done.set()

    th = threading.Thread(target=work)
    ticks = 0
    th.start()
    while not done.is_set():
        ticks += 1
    th.join()
    # with the GIL held for the whole call the loop would get a handful of switch intervals
    assert took["s"] > 0.2, "fold too quick to tell"
    assert ticks > 100000 * took["s"], (ticks, took)


def test_determinants_hand_worked():
    # hsa-let-7a-1 (miRBase 21): let-7a-5p at 6-27, let-7a-3p at 57-77 (1-based)
    seq = "UGGGAUGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCCUA"
    dup = (5, 26, 56, 76)
    d = mirlens.determinants(seq, dup)
    assert list(d)[:3] == ["basal-UG", "lower-stem", "mGHG"] and len(d) == 15
    st = mirlens.fold(seq)[0][0]
    assert mirlens.determinants(seq, dup, structure=st)["loop-size"]["value"] == \
        d["loop-size"]["value"]
    # Dicer 5' counting: the 5p strand's length, its mask exactly that strand
    c = d["dicer-5p-counting"]
    assert c["visible"] and c["present"] and c["value"] == 22
    assert np.array_equal(np.flatnonzero(c["mask"]), np.arange(5, 27))
    # the 5' U of the mature
    assert d["mature-5U"]["present"] == (seq[5] == "U") and d["mature-5U"]["mask"][5] == 1
    # basal UG at -14 from the 5p cut and CNNC at +16..18 past the 3p cut lie outside a
    # trimmed hairpin: not visible, never present, value nan
    for k in ("basal-UG", "CNNC"):
        assert not d[k]["visible"] and not d[k]["present"] and math.isnan(d[k]["value"])
    # the terminal loop: the hairpin loop between the arms, counted on the structure here
    inner = [i for i in range(len(st) - 1) if st[i] == "(" and ")" in st[i + 1:]
             and st[i + 1:st.index(")", i + 1)].strip(".") == ""]
    i = max(x for x in inner if x < 56)
    loop = st.index(")", i + 1) - i - 1
    assert d["loop-size"]["value"] == loop
    assert d["loop-size"]["present"] == (loop >= 10)
    assert d["loop-size"]["mask"].sum() == loop
    assert d["basal-UG"]["source"].startswith("Auyeung")
    with pytest.raises(mirlens.Error):
        mirlens.determinants(seq, (30, 20, 56, 76))
    with pytest.raises(mirlens.Error):
        mirlens.determinants(seq, dup, structure=st[:-1])
