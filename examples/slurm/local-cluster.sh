#!/bin/sh
# A one-node Slurm cluster on this machine (twin(7), "Large cohorts"):
# munged, slurmctld and slurmd on localhost, one partition "twin" with
# every core.  For trying the job array (cohort.sbatch) and for the test
# suite (tests/cmd/slurm.t); run as root on a machine with Debian's
# slurm-wlm and munge.  Idempotent: a running cluster is left alone.
#
#   sh examples/slurm/local-cluster.sh          start (or check) it
#   sh examples/slurm/local-cluster.sh stop     stop it
set -eu
conf=/etc/slurm/slurm.conf
if [ "$(id -u)" != 0 ]; then
	echo "local-cluster.sh: run as root" >&2
	exit 2
fi
for p in munged slurmctld slurmd; do
	command -v $p > /dev/null 2>&1 || PATH=$PATH:/usr/sbin
	command -v $p > /dev/null 2>&1 || {
		echo "local-cluster.sh: $p not found (apt-get install slurm-wlm munge)" >&2
		exit 2
	}
done
host=$(hostname -s)
cpus=$(nproc)
mem=$(awk '/MemTotal/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)
stop() {
	pkill -x slurmd 2> /dev/null || :
	pkill -x slurmctld 2> /dev/null || :
	while pgrep -x slurmd > /dev/null || pgrep -x slurmctld > /dev/null; do
		sleep 0.2
	done
}
if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi
text=$(cat <<CONF
# Written by twin's examples/slurm/local-cluster.sh: one node, localhost.
ClusterName=twin
SlurmctldHost=$host(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
# a test cluster: schedule within a second, not the default 30 s
SchedulerParameters=bf_interval=1,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=twin Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
if [ "$(cat $conf 2> /dev/null)" != "$text" ]; then
	# a new or changed configuration: the daemons start again with it
	stop
	mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd \
	    /var/log/slurm
	chown slurm: /var/spool/slurmctld /var/log/slurm
	printf '%s\n' "$text" > $conf
fi
if [ ! -s /etc/munge/munge.key ]; then
	dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2> /dev/null
	chown munge: /etc/munge/munge.key
	chmod 400 /etc/munge/munge.key
fi
mkdir -p /run/munge
chown munge: /run/munge
pgrep -x munged > /dev/null || su -s /bin/sh munge -c munged
pgrep -x slurmctld > /dev/null || slurmctld
pgrep -x slurmd > /dev/null || slurmd
# Wait until the node takes jobs.
i=0
while [ $i -lt 60 ]; do
	state=$(sinfo -h -n "$host" -o %t 2> /dev/null || :)
	case $state in
	idle*|mix*|alloc*) exit 0 ;;
	down*|drain*) scontrol update nodename="$host" state=resume \
	    2> /dev/null || : ;;
	esac
	sleep 1
	i=$((i + 1))
done
echo "local-cluster.sh: the node did not come up (sinfo: '$state'); see /var/log/slurm" >&2
exit 1
