# Runs one throwaway PostgreSQL cluster and removes it again.
# Arguments: <folder> <port> <bin dir> <user to run as, or empty for the current user>
#            [<port of a cluster on 127.0.0.1 to copy and follow as its hot standby, or empty>]
#            [durable: keep fsync, full_page_writes and synchronous_commit on].
# The owner holds this script's standard input open; when it closes it, or dies, the
# server is stopped and the folder deleted, so no run leaves a server behind.
# While it is open, the owner may send commands, one a line:
#   restart  stops the server with a fast shutdown, which cuts every connection, starts it
#            again on the same port and folder, and answers "restarted" on standard output.
set -u
folder=$1 port=$2 bindir=$3 user=$4 primary=${5:-} durable=${6:-}
server=""

# initdb and postgres refuse to run as root, so a root owner hands them to an unprivileged user.
# setpriv execs in place, so the background job's pid is the postmaster's own.
as_owner=()
[ -n "$user" ] && as_owner=(setpriv --reuid="$user" --regid="$user" --init-groups --)

# A throwaway cluster loses nothing worth keeping in a crash, so by default it skips flushing to disk; a durable one
# keeps the server's defaults, for measuring what users run.
no_flush=(-c fsync=off -c full_page_writes=off -c synchronous_commit=off)
[ "$durable" = durable ] && no_flush=()

start_server() {
    "${as_owner[@]}" "$bindir/postgres" -D "$folder/data" -p "$port" \
        -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
        "${no_flush[@]}" \
        -c max_connections=300 -c wal_level=logical -c max_prepared_transactions=20 >>"$folder/postgres.log" 2>&1 &
    server=$!
}

# SIGINT is PostgreSQL's fast shutdown: it rolls back open transactions and ends every session.
stop_server() {
    kill -INT "$server" 2>/dev/null
    wait "$server" 2>/dev/null
}

cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        stop_server
    fi
    rm -rf "$folder"
}
trap cleanup EXIT
trap 'exit 143' TERM HUP INT

[ -n "$user" ] && chown "$user" "$folder"

if [ -n "$primary" ]; then
    # -R writes the standby signal and the connection to the primary, so the copy starts as its hot standby.
    # The bin folder may hold links to just the server programs; pg_basebackup sits beside their targets.
    if ! "${as_owner[@]}" "$(dirname "$(readlink -f "$bindir/postgres")")/pg_basebackup" -h 127.0.0.1 -p "$primary" -U postgres -D "$folder/data" \
            -R -X stream -c fast --no-sync >"$folder/initdb.log" 2>&1; then
        echo "pg_basebackup failed:" >&2
        cat "$folder/initdb.log" >&2
        exit 1
    fi
elif ! "${as_owner[@]}" "$bindir/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync --no-instructions >"$folder/initdb.log" 2>&1; then
    echo "initdb failed:" >&2
    cat "$folder/initdb.log" >&2
    exit 1
fi

# Reads one command line in a job of its own, so that waiting for it and for the postmaster
# is one wait. Bash reads a pipe a byte at a time, so the job takes nothing past its line.
# Exits 0 for "restart", 2 for anything else, and 1 at the end of the input.
read_command() {
    local command
    IFS= read -r command <&3 || exit 1
    [ "$command" = restart ] && exit 0
    echo "unknown command: $command" >&2
    exit 2
}

start_server

# A background job's standard input is /dev/null unless it is handed over explicitly.
exec 3<&0

while true; do
    read_command &
    reader=$!
    wait -n "$server" "$reader"
    status=$?
    if ! kill -0 "$server" 2>/dev/null; then
        echo "postgres exited on its own:" >&2
        cat "$folder/postgres.log" >&2
        kill "$reader" 2>/dev/null
        exit 1
    fi
    case $status in
        0) stop_server; start_server; echo restarted ;;
        1) exit 0 ;;
    esac
done
