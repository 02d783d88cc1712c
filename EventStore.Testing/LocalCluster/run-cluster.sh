# Runs one throwaway PostgreSQL cluster and removes it again.
# Arguments: <folder> <port> <bin dir> <user to run as, or empty for the current user>.
# The owner holds this script's standard input open; when it closes it, or dies, the
# server is stopped and the folder deleted, so no run leaves a server behind.
set -u
folder=$1 port=$2 bindir=$3 user=$4
server=""

# initdb and postgres refuse to run as root, so a root owner hands them to an unprivileged user.
# setpriv execs in place, so the background job's pid is the postmaster's own.
as_owner=()
[ -n "$user" ] && as_owner=(setpriv --reuid="$user" --regid="$user" --init-groups --)

cleanup() {
    if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
        kill -INT "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    rm -rf "$folder"
}
trap cleanup EXIT
trap 'exit 143' TERM HUP INT

[ -n "$user" ] && chown "$user" "$folder"

if ! "${as_owner[@]}" "$bindir/initdb" -D "$folder/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync --no-instructions >"$folder/initdb.log" 2>&1; then
    echo "initdb failed:" >&2
    cat "$folder/initdb.log" >&2
    exit 1
fi

"${as_owner[@]}" "$bindir/postgres" -D "$folder/data" -p "$port" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
    -c fsync=off -c full_page_writes=off -c synchronous_commit=off \
    -c max_connections=300 >"$folder/postgres.log" 2>&1 &
server=$!

# A background job's standard input is /dev/null unless it is handed over explicitly.
exec 3<&0
cat <&3 >/dev/null &
owner_link=$!

wait -n "$server" "$owner_link"
if ! kill -0 "$server" 2>/dev/null; then
    echo "postgres exited on its own:" >&2
    cat "$folder/postgres.log" >&2
    exit 1
fi
kill "$owner_link" 2>/dev/null
exit 0
