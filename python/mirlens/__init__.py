"""mirlens: find precursor microRNAs with a CNN over hairpin images, and explain it.

A thin layer over libmirlens (cffi, ABI mode): every function computes what the command of
the same name prints (``mirlens fold``, ``predict``, ``explain``, ``scan``), with NumPy
arrays in place of tables. Errors raise :class:`mirlens.Error` with the library's message.
The GIL is released while the library works (cffi releases it around each C call).

    >>> import mirlens
    >>> m = mirlens.Model.load()                  # the shipped default model
    >>> prob, margin = m.predict(["UGAGGUAGUAGGUUGUAUAGUUUUAGGGUCACACCCACCACUGGGAGAUAACUAUACAAUCUACUGUCUUUCC"])
"""
import os
import shutil
import tempfile

import numpy as np

from ._lib import ffi, lib

__all__ = ["Error", "Model", "fold", "encode", "predict", "explain", "scan", "determinants",
           "data_path", "default_models", "set_threads", "IMG_H", "IMG_W", "__version__"]

__version__ = "0.1.0"  # MRL_VERSION
IMG_H, IMG_W = 25, 100
_threads = 0  # 0: all CPUs for the network, os.cpu_count() folding threads


class Error(RuntimeError):
    """A library failure: ``code`` is the negative MRL_ERR_* value, ``str(e)`` the
    library's message (mrl_errmsg)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def _check(rc):
    if rc < 0:
        msg = ffi.string(lib.mrl_errmsg()).decode("utf-8", "replace")
        raise Error(rc, msg or ffi.string(lib.mrl_strerror(rc)).decode())
    return rc


def set_threads(n):
    """Default thread count of the calls below (0 = all CPUs)."""
    global _threads
    if int(n) < 0:
        raise ValueError("threads must be >= 0")
    _threads = int(n)


def _fold_threads(threads):
    t = _threads if threads is None else int(threads)
    if t < 0:
        raise ValueError("threads must be >= 0")
    return t or (os.cpu_count() or 1)


def _into_buf(fn, *args, cap=4096, check=True):
    """fn(*args, buf, cap) for the library's calls that write text into a buffer: (its
    return code, checked unless check=False; the buffer)."""
    buf = ffi.new("char[]", cap)
    rc = fn(*args, buf, cap)
    return (_check(rc) if check else rc), buf


def data_path(name):
    """Path of a data file shipped with mirlens ("default.mrlm", "genome.mrlm",
    "genome_scratch.mrlm", "background.u8"), found as the command finds it (mrl_data_path)."""
    return ffi.string(_into_buf(lib.mrl_data_path, name.encode())[1]).decode()


def default_models(scan=False):
    """The model paths a command uses when none is named, as the command finds them: the
    default model ($MIRLENS_MODEL first; mrl_default_model), or with scan=True those of
    ``mirlens scan`` (an ensemble: $MIRLENS_GENOME_MODEL first, else the shipped genome
    models found beside the default model; mrl_scan_default_models)."""
    if not scan:
        return [ffi.string(_into_buf(lib.mrl_default_model)[1]).decode()]
    n, buf = _into_buf(lib.mrl_scan_default_models, cap=8192)
    return [p.decode() for p in ffi.unpack(buf, 8192).split(b"\0")[:n]]


def _seqs(seqs):
    """A list of sequences as bytes, with C views that live as long as the returned keep."""
    if isinstance(seqs, (str, bytes)):
        seqs = [seqs]
    enc = [s.encode("ascii") if isinstance(s, str) else bytes(s) for s in seqs]
    keep = [ffi.from_buffer(b) for b in enc]
    ptrs = ffi.new("char *[]", [ffi.cast("char *", k) for k in keep]) if enc else ffi.NULL
    lens = ffi.new("size_t[]", [len(b) for b in enc]) if enc else ffi.NULL
    return enc, (keep, ptrs, lens)


def _ptr(ctype, arr):
    return ffi.cast(ctype, ffi.from_buffer(arr))


def fold(seqs, threads=None):
    """Minimum free energy structures, identical to RNAfold 2.1.3 (``mirlens fold``).

    seqs: a sequence (str) or a list of them. Returns (structures, mfe): a list of
    dot-bracket strings and a float64 array of energies in kcal/mol (two decimals)."""
    enc, (keep, ptrs, lens) = _seqs(seqs)
    n = len(enc)
    structs = ffi.new("char[]", sum(len(b) + 1 for b in enc) or 1)
    mfe = np.zeros(n, dtype=np.int32)
    _check(lib.mrl_flat_fold(ptrs, lens, n, _fold_threads(threads), 0, structs,
                             _ptr("int *", mfe), ffi.NULL, ffi.NULL, ffi.NULL))
    out, off = [], 0
    for b in enc:
        out.append(ffi.unpack(structs + off, len(b)).decode())
        off += len(b) + 1
    return out, mfe / 100.0


def determinants(seq, duplex, structure=None):
    """The known determinants of pri-/pre-miRNA processing (Drosha/DGCR8, Dicer: basal UG,
    lower and upper stem, mGHG, CNNC, GYM, ...) located on one hairpin from its fold and
    its miRNA duplex, exactly as ``mirlens explain --determinants`` locates them
    (mrl_det_eval; definitions and sources in include/mirlens.h).

    duplex: (s5, e5, s3, e3), the 5p and 3p strands, 0-based and inclusive. structure: a
    dot-bracket string (default: the MFE fold). Returns a dict, in the library's order,
    name -> {"visible": bool, "present": bool, "value": float (nan when none),
    "mask": uint8 array of len(seq) (1 on the positions it concerns), "source": str}."""
    b = seq.encode("ascii") if isinstance(seq, str) else bytes(seq)
    names = []
    while lib.mrl_det_name(len(names)) != ffi.NULL:
        names.append(len(names))
    nd = len(names)
    vis = np.zeros(nd, dtype=np.int32)
    pres = np.zeros(nd, dtype=np.int32)
    val = np.zeros(nd, dtype=np.float64)
    mask = np.zeros((nd, len(b)), dtype=np.uint8)
    st = ffi.NULL if structure is None else structure.encode("ascii")
    dup = ffi.new("int[4]", [int(x) for x in duplex])
    _check(lib.mrl_flat_determinants(b, len(b), st, dup, _ptr("int *", vis),
                                     _ptr("int *", pres), _ptr("double *", val),
                                     _ptr("uint8_t *", mask)))
    return {ffi.string(lib.mrl_det_name(d)).decode(): {
        "visible": bool(vis[d]), "present": bool(pres[d]), "value": float(val[d]),
        "mask": mask[d], "source": ffi.string(lib.mrl_det_source(d)).decode()}
        for d in range(nd)}


def encode(seqs, threads=None):
    """Fold and draw hairpin images (``mirlens encode``).

    Returns (images, columns): images uint8 (N,3,25,100) (channels R,G,B; values 0/255; a
    sequence whose fold has no hairpin loop gets a white image); columns int32 (N,2,100),
    the column -> nucleotide map: columns[i,0,c] the 0-based position of the 5' arm base
    drawn in column c, columns[i,1,c] that of the 3' arm base, -1 for a gap or no column."""
    enc, (keep, ptrs, lens) = _seqs(seqs)
    n = len(enc)
    rgb = np.zeros((n, IMG_H, IMG_W, 3), dtype=np.uint8)
    cols = np.full((n, 2, IMG_W), -1, dtype=np.int32)
    status = np.zeros(n, dtype=np.int32)
    if n:
        _check(lib.mrl_flat_fold(ptrs, lens, n, _fold_threads(threads), 1, ffi.NULL, ffi.NULL,
                                 _ptr("int *", status), _ptr("uint8_t *", rgb),
                                 _ptr("int32_t *", cols)))
    return np.ascontiguousarray(rgb.transpose(0, 3, 1, 2)), cols


class Model:
    """A scorer: one model file, or several scored as an ensemble (the mean of their logit
    margins), as ``mirlens predict -m A -m B``. Free it with close() or a with block."""

    def __init__(self, handle, paths, threads):
        self._e = handle
        self.paths = paths
        self.threads = threads

    @classmethod
    def load(cls, path=None, threads=None, precision="f32"):
        """Load a model file (or a list of them: an ensemble); None = the shipped default
        model (mrl_data_path("default.mrlm"), $MIRLENS_MODEL first as for the command).
        threads: the network's threads (None = set_threads' value; 0 = all CPUs);
        precision "f32" or "bf16"."""
        if path is None:
            path = default_models()
        paths = [path] if isinstance(path, (str, bytes, os.PathLike)) else list(path)
        paths = [os.fsdecode(p) for p in paths]
        if precision not in ("f32", "bf16"):
            raise ValueError("precision must be 'f32' or 'bf16'")
        t = _threads if threads is None else int(threads)
        cp = [ffi.new("char[]", p.encode()) for p in paths]
        arr = ffi.new("char *[]", cp)
        out = ffi.new("mrl_ensemble_t **")
        _check(lib.mrl_flat_model_load(out, arr, len(paths), t, 1 if precision == "bf16" else 0))
        return cls(ffi.gc(out[0], lib.mrl_ensemble_free), paths, t)

    def close(self):
        if self._e is not None:
            ffi.release(self._e)
            self._e = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if self._e is None:
            raise ValueError("mirlens.Model is closed")
        return self._e

    def predict(self, seqs, threads=None):
        """Scores of sequences (``mirlens predict``): (prob, margin), float32 arrays of the
        probability of pre-miRNA and the logit margin z1 - z0; NaN for a sequence whose
        fold has no hairpin loop."""
        enc, (keep, ptrs, lens) = _seqs(seqs)
        n = len(enc)
        prob = np.zeros(n, dtype=np.float32)
        margin = np.zeros(n, dtype=np.float32)
        _check(lib.mrl_flat_predict(self._handle(), ptrs, lens, n, _fold_threads(threads),
                                    _ptr("float *", prob), _ptr("float *", margin)))
        return prob, margin

    def explain(self, seq, method=None, seed=1, samples=0, steps=0, background="default",
                threads=None):
        """Attribution of one sequence's score (``mirlens explain``), for a scorer of one
        model. method as the command spells it ("integrated-gradients", "shap", ...; None =
        the library's default); samples, steps 0 = the defaults; background "default" (the
        shipped SHAP background, as the command), None (the white image alone) or a path.
        Returns (attr, map, info): attr float32 (len(seq),) per nucleotide, map float32
        (3,25,100) (the command's .npy), info a dict as the command's summary.tsv names
        them: score (P(pre-miRNA)), logit (the explained logit of the target class),
        reference, total and gap (NaN where the method has no reference). One sequence per call: a
        stochastic method (smoothgrad, shap) draws as ``mirlens explain`` does for a file
        holding this one sequence (the command draws from stream k for its k-th)."""
        b = seq.encode("ascii") if isinstance(seq, str) else bytes(seq)
        if background == "default":
            rc, buf = _into_buf(lib.mrl_default_data, b"background.u8", check=False)
            background = ffi.string(buf).decode() if rc == 0 else None
        attr = np.zeros(len(b), dtype=np.float32)
        amap = np.zeros((3, IMG_H, IMG_W), dtype=np.float32)
        info = np.zeros(5, dtype=np.float32)
        _check(lib.mrl_flat_explain(
            self._handle(), b, len(b), method.encode() if method else ffi.NULL,
            _fold_threads(threads), int(seed), int(samples), int(steps),
            os.fsencode(background) if background else ffi.NULL, _ptr("float *", amap),
            _ptr("float *", attr), _ptr("float *", info)))
        keys = ("logit", "score", "reference", "total", "gap")
        return attr, amap, {k: float(v) for k, v in zip(keys, info)}

    def scan(self, genome, strand=0, threshold=None, min_score=None, prefix=None,
             threads=None, max_repeat=None):
        """Scan a genome (``mirlens scan``): genome is a FASTA path (plain or gzip), a
        sequence (str) or a dict name -> sequence. Returns the candidates as a list of dicts
        (chrom, start, end (0-based, end-exclusive, + strand), strand, sequence, structure,
        mfe, score, margin, stem). With prefix, PREFIX.candidates.tsv, .bed and .gff3 are
        kept; otherwise they are written to a temporary directory and removed. max_repeat:
        as ``--max-repeat`` (None: scan's default; 1 keeps candidates on repeats)."""
        tmp = tempfile.mkdtemp(prefix="mirlens-scan-")
        try:
            path = genome
            if isinstance(genome, dict) or (isinstance(genome, str) and not os.path.exists(genome)):
                recs = genome if isinstance(genome, dict) else {"seq": genome}
                path = os.path.join(tmp, "input.fa")
                with open(path, "w") as f:
                    for name, s in recs.items():
                        f.write(">%s\n%s\n" % (name, s))
            out = prefix or os.path.join(tmp, "scan")
            cp = [ffi.new("char[]", os.fsencode(p)) for p in self.paths]
            tag = _into_buf(lib.mrl_scan_models_tag, ffi.new("char *[]", cp), len(cp),
                            cap=16384)[1]
            nan = float("nan")
            _check(lib.mrl_flat_scan(
                self._handle(), os.fsencode(path), os.fsencode(out), int(strand),
                nan if threshold is None else threshold, nan if min_score is None else min_score,
                nan if max_repeat is None else max_repeat, _fold_threads(threads), tag,
                ffi.NULL))
            return _read_candidates(out + ".candidates.tsv")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


def _read_candidates(path):
    def num(t, v):
        return None if v == "." else t(v)

    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            out.append({"chrom": c[0], "start": int(c[1]), "end": int(c[2]), "strand": c[3],
                        "sequence": c[4], "structure": c[5], "mfe": num(float, c[6]),
                        "score": num(float, c[7]), "margin": num(float, c[8]),
                        "stem": int(c[9])})
    return out


_default = {}


def _model(model):
    if model is not None:
        return model if isinstance(model, Model) else Model.load(model)
    if "m" not in _default:
        _default["m"] = Model.load()
    return _default["m"]


def predict(seqs, model=None, threads=None):
    """Model.predict with model (a Model, a path, or None: the shipped default model)."""
    return _model(model).predict(seqs, threads=threads)


def explain(seq, method=None, model=None, **kw):
    """Model.explain with model (a Model, a path, or None: the shipped default model)."""
    return _model(model).explain(seq, method=method, **kw)


def scan(genome, model=None, **kw):
    """Model.scan with model (a Model, a path, a list of paths: an ensemble, or None: the
    shipped genome models as an ensemble, the default of ``mirlens scan``)."""
    if model is None:
        model = default_models(scan=True)
    return _model(model).scan(genome, **kw)
