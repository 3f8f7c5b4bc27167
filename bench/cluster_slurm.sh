#!/usr/bin/env bash
# The cluster check of `mirlens scan`: start a one-node Slurm cluster on 127.0.0.1 (munge,
# slurmctld, slurmd; state in a temporary directory, ports above 16000), scan a genome of
# shared/data/genome/ in N >= 4 shards two ways — the Snakemake workflow submitting each
# shard with sbatch, and workflow/scan_array.sh (one sbatch job array + a dependent merge
# job) — and check that both give byte for byte what one unsharded `mirlens scan` gives.
# Stops everything it started (also on failure or Ctrl-C).
#   bash bench/cluster_slurm.sh [GENOME.fa.gz] [N]
# Needs (Debian): slurm-wlm munge snakemake; run as root (SlurmUser=root, as the issue
# asks on this machine kind). Exit 0 identical, 1 different or failed, 77 tools absent.
set -u
cd "$(dirname "$0")/.."
S=${MIRLENS_SHARED:-../shared}
genome=${1:-$S/data/genome/hsa_chr3_42M.fa.gz}
n=${2:-4}
for t in munged slurmctld slurmd sbatch squeue snakemake; do
    command -v $t >/dev/null || { echo "cluster_slurm: $t not installed (apt-get install slurm-wlm munge snakemake)"; exit 77; }
done
[ -r "$genome" ] || { echo "cluster_slurm: $genome not found"; exit 77; }
genome=$(realpath "$genome")
[ "$(id -u)" = 0 ] || { echo "cluster_slurm: run as root (SlurmUser=root)"; exit 77; }
M=$(pwd)/mirlens
[ -x "$M" ] || make -j2 >/dev/null || exit 1
D=$(mktemp -d /tmp/mirlens_slurm.XXXXXX)
W=$D/work
chmod 755 "$D" # munged runs as munge and must reach its socket directory
mkdir -p "$D/state" "$D/spool" "$D/munge" "$W"
pids=()
cleanup() {
    [ -n "${SLURM_CONF:-}" ] && scancel --quiet --user=root 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    sleep 1
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT INT TERM

# munge with its own socket; the key of the Debian package
chown munge: "$D/munge" && chmod 755 "$D/munge"
setpriv --reuid=munge --regid=munge --clear-groups munged -F --socket="$D/munge/munge.sock" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" --seed-file="$D/munge/seed" \
    >"$D/munged.out" 2>&1 &
pids+=($!)
disown
cpus=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
cat > "$D/slurm.conf" <<EOF
ClusterName=mirlens
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$D/slurm.conf
for i in $(seq 50); do [ -S "$D/munge/munge.sock" ] && break; sleep 0.1; done
slurmctld -D -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 &
pids+=($!)
disown
slurmd -D -N localhost -f "$SLURM_CONF" >"$D/slurmd.out" 2>&1 &
pids+=($!)
disown
for i in $(seq 100); do
    sinfo -h -o %t 2>/dev/null | grep -q idle && break
    sleep 0.2
done
if ! sinfo -h -o %t 2>/dev/null | grep -q idle; then
    echo "cluster_slurm: the cluster did not come up"; tail -n 5 "$D"/*.out "$D"/munge/munged.log; exit 1
fi
echo "cluster_slurm: one-node Slurm up ($cpus CPUs); genome $genome, $n shards"
fail=0
t0=$(date +%s.%N)
"$M" scan -q -j 2 "$genome" -o "$W/single" || fail=1
t1=$(date +%s.%N)
echo "cluster_slurm: single process: $(echo "$t1 - $t0" | bc) s"
# 1. Snakemake, each shard an sbatch job (one CPU each: the node runs them side by side)
snakemake -q -s workflow/Snakefile -d "$W" -j "$n" --latency-wait 30 \
    --cluster "sbatch -c {threads} -o slurm-%j.out" \
    --config genome="$genome" shards="$n" prefix=smk mirlens="$M" threads=1 \
    >"$D/snakemake.log" 2>&1 || { fail=1; tail -20 "$D/snakemake.log"; }
t2=$(date +%s.%N)
echo "cluster_slurm: snakemake --cluster sbatch, $n shards: $(echo "$t2 - $t1" | bc) s"
# 2. a job array and a dependent merge job
ids=$(cd "$W" && MIRLENS=$M THREADS=1 bash "$OLDPWD/workflow/scan_array.sh" "$genome" arr "$n") || fail=1
merge=${ids##* }
for i in $(seq 3000); do
    squeue -h -j "${ids%% *},$merge" 2>/dev/null | grep -q . || break
    sleep 0.5
done
t3=$(date +%s.%N)
echo "cluster_slurm: sbatch --array=1-$n + merge job: $(echo "$t3 - $t2" | bc) s"
for how in smk arr; do
    for f in candidates.tsv bed gff3; do
        if cmp -s "$W/single.$f" "$W/$how.$f"; then
            echo "cluster_slurm: $how.$f identical to the single run ($(grep -vc '^#' "$W/single.$f") rows)"
        else
            echo "cluster_slurm: FAIL $how.$f differs from the single run"; fail=1
        fi
    done
done
[ $fail = 0 ] && echo "cluster_slurm: OK" || { tail -n 5 "$D/slurmctld.log" "$D/slurmd.log"; }
exit $fail
