# Runs one throwaway PgBouncer and removes its folder again.
# Arguments: <folder, holding pgbouncer.ini> <pgbouncer program> <user to run as, or empty for the current user>
#            <the signal that stops this pgbouncer at once: TERM before 1.23, QUIT since>
# The owner holds this script's standard input open; when it closes it, or dies, pgbouncer is
# stopped and the folder deleted, so no run leaves a pooler behind.
set -u
folder=$1 program=$2 user=$3 stop_signal=$4
pooler=""

# pgbouncer refuses to run as root, so a root owner hands it to an unprivileged user.
# setpriv execs in place, so the background job's pid is pgbouncer's own.
as_owner=()
[ -n "$user" ] && as_owner=(setpriv --reuid="$user" --regid="$user" --init-groups --)

# A pooler holds no data, so one that has not stopped within a few seconds is killed. The killer lets go of the
# script's output, which its owner reads to the end before it sees the script exit.
stop_pooler() {
    kill -"$stop_signal" "$pooler" 2>/dev/null
    (sleep 5; kill -KILL "$pooler") >/dev/null 2>&1 &
    local killer=$!
    wait "$pooler" 2>/dev/null
    kill "$killer" 2>/dev/null
}

cleanup() {
    if [ -n "$pooler" ] && kill -0 "$pooler" 2>/dev/null; then
        stop_pooler
    fi
    rm -rf "$folder"
}
trap cleanup EXIT
trap 'exit 143' TERM HUP INT

# pgbouncer writes its pid file into the folder, and reads its configuration and user list there.
[ -n "$user" ] && chown -R "$user" "$folder"

# In the foreground pgbouncer logs to standard error, so the log also holds what it says before it has read its
# configuration.
"${as_owner[@]}" "$program" "$folder/pgbouncer.ini" >>"$folder/pgbouncer.log" 2>&1 &
pooler=$!

# A background job's standard input is /dev/null unless it is handed over explicitly. The reader ends at the end of
# the input, so waiting for it and for pgbouncer is one wait.
exec 3<&0
cat <&3 >/dev/null &
reader=$!
wait -n "$pooler" "$reader"
if ! kill -0 "$pooler" 2>/dev/null; then
    echo "pgbouncer exited on its own:" >&2
    cat "$folder/pgbouncer.log" >&2
    kill "$reader" 2>/dev/null
    exit 1
fi
