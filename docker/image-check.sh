#!/usr/bin/env bash
# make image-check: build the Docker image, run it the way compose.yaml does, and check it answers.
#
# Made for a machine that has no Docker daemon and cannot pull from a registry, only reach the
# package registries. It
#   1. starts its own dockerd (Debian's docker.io: vfs storage, no bridge, no iptables, its own
#      socket and state directories) and stops it at the end;
#   2. builds a stand-in for python:3.12-slim once and keeps it: a minimal Debian bookworm made with
#      debootstrap from the apt mirror this machine uses, with this machine's pyenv Python 3.12
#      copied in at the same path, imported as kokona-base:local;
#   3. builds the image on it (BASE_IMAGE build argument), with pip settings taken from this
#      machine's (a mirror, a CA bundle) when it has them;
#   4. with the PostgreSQL on this machine: creates the database and the app's role and migrates as
#      the owner in a one-off container, serves with gunicorn as the app's role and runs the import
#      worker in a container of its own; checks /healthz, the sign-in page, a static file, that
#      only the app's role is connected and that the worker keeps running;
#   5. removes its containers, the throwaway database and role, stops its dockerd, and checks that
#      the host's network is as it was.
#
# Settings (environment): IMAGE_CHECK_DB (throwaway database; dropped before and after, default
# kokona_image_check; the app's role is <db>_app), IMAGE_CHECK_OWNER_URL (a PostgreSQL superuser,
# without the database; default postgres://postgres@127.0.0.1:5432), IMAGE_CHECK_CACHE (the
# daemon's state with the cached base; default /var/cache/kokona-image-check; rm -rf it to start
# over), IMAGE_CHECK_PYTHON (a Python 3.12 prefix; default the newest 3.12 pyenv holds).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DB=${IMAGE_CHECK_DB:-kokona_image_check}
APP_ROLE=${DB}_app
OWNER_URL=${IMAGE_CHECK_OWNER_URL:-postgres://postgres@127.0.0.1:5432}
CACHE=${IMAGE_CHECK_CACHE:-/var/cache/kokona-image-check}
BASE=kokona-base:local
IMAGE=kokona:image-check
HOST_NAME=kokona.example.jp
NAME=kokona-image-check-$$

started=$SECONDS
step_started=$SECONDS
step() {
    printf '\n==> [%3ds] %s\n' "$((SECONDS - started))" "$*"
    step_started=$SECONDS
}
note() { printf '    %s\n' "$*"; }
took() { note "($((SECONDS - step_started)) s)"; }
fail() {
    printf '\nimage-check FAILED: %s\n' "$*" >&2
    exit 1
}
trap 'fail "line $LINENO: $BASH_COMMAND (exit $?)"' ERR

# --- Preconditions -------------------------------------------------------------------------------

step "Preconditions"
[ "$(id -u)" = 0 ] || fail "run as root: it starts a Docker daemon and debootstraps a base."
for tool in dockerd docker debootstrap psql curl; do
    command -v "$tool" >/dev/null ||
        fail "$tool is missing. On Debian: apt-get install -y docker.io debootstrap postgresql-client curl"
done
psql "$OWNER_URL/postgres" -qAtc 'SELECT 1' >/dev/null 2>&1 ||
    fail "no PostgreSQL answers as the owner at $OWNER_URL (set IMAGE_CHECK_OWNER_URL)."
if [ -n "${IMAGE_CHECK_PYTHON:-}" ]; then
    PYTHON_PREFIX=$IMAGE_CHECK_PYTHON
else
    command -v pyenv >/dev/null || fail "no pyenv, so no Python to copy in: set IMAGE_CHECK_PYTHON."
    version=$(pyenv versions --bare | grep -E '^3\.12\.[0-9]+$' | sort -V | tail -1) ||
        fail "pyenv holds no Python 3.12 (pyenv install 3.12)."
    PYTHON_PREFIX="$(pyenv root)/versions/$version"
fi
PYTHON="$PYTHON_PREFIX/bin/python3.12"
[ -x "$PYTHON" ] || fail "no $PYTHON"
PYTHON_VERSION=$("$PYTHON" -c 'import platform; print(platform.python_version())')
note "Python $PYTHON_VERSION from $PYTHON_PREFIX; PostgreSQL at $OWNER_URL; database $DB"

# The host's network, to compare at the end.
network_state() {
    ip -o link show | sed -E 's/^[0-9]+: //; s/ qlen [0-9]+//'
    ip route show
    sysctl -n net.ipv4.ip_forward
    if command -v iptables >/dev/null; then iptables -S 2>/dev/null || true; fi
}
network_before=$(network_state)

# --- Cleanup, on every exit ----------------------------------------------------------------------

RUN_DIR=$(mktemp -d /tmp/kokona-image-check.XXXXXX)
export DOCKER_HOST=unix://$RUN_DIR/docker.sock
DOCKERD_PID=
ROOTFS=
OWN_DB=

# The database and role carry this comment once migrated, so that a run only ever drops its own
# throwaways (a later run drops those a killed run left), never a database someone uses.
MARK="kokona image-check throwaway"
owner_sql() {
    PGOPTIONS='-c client_min_messages=warning' psql "$OWNER_URL/postgres" -qAt -v ON_ERROR_STOP=1 "$@"
}
drop_database() {
    owner_sql -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" -c "DROP ROLE IF EXISTS \"$APP_ROLE\"" >/dev/null
}

cleanup() {
    local status=$?
    trap - ERR
    set +e
    step "Cleaning up"
    if [ -n "$DOCKERD_PID" ] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
        # Every container of this daemon is the check's (a killed run's too).
        docker ps -aq | xargs -r docker rm -f >/dev/null 2>&1
        note "containers removed"
        # New builds leave the previous image untagged; the base and the build cache stay.
        docker image prune -f >/dev/null 2>&1
        # dockerd stops the containerd it started; both must be gone.
        local daemons
        daemons="$DOCKERD_PID $(ps -o pid= --ppid "$DOCKERD_PID" | xargs)"
        kill -TERM "$DOCKERD_PID"
        for _ in $(seq 60); do
            # shellcheck disable=SC2086
            kill -0 $daemons 2>/dev/null || break
            sleep 0.5
        done
        # shellcheck disable=SC2086
        if kill -0 $daemons 2>/dev/null; then
            note "dockerd or its containerd did not stop in 30 s; killing them"
            # shellcheck disable=SC2086
            kill -KILL $daemons 2>/dev/null
            status=1
        fi
        note "dockerd and containerd stopped (pids $daemons)"
    fi
    [ -n "$ROOTFS" ] && rm -rf "$ROOTFS"
    if [ -n "$OWN_DB" ]; then
        if drop_database; then note "database $DB and role $APP_ROLE dropped"; else status=1; fi
    fi
    # dockerd leaves its network namespace mounted in its exec root.
    grep -F " $RUN_DIR/" /proc/mounts | cut -d' ' -f2 | sort -r | xargs -r umount
    if grep -qF "$RUN_DIR" /proc/mounts; then
        note "mounts left under $RUN_DIR:"; grep -F "$RUN_DIR" /proc/mounts >&2; status=1
    else
        rm -rf "$RUN_DIR"
    fi
    if [ "$(network_state)" != "$network_before" ]; then
        printf 'The host network changed:\n' >&2
        diff <(echo "$network_before") <(network_state) >&2
        status=1
    else
        note "host network as it was"
    fi
    if [ -d "$CACHE" ]; then note "cache kept: $CACHE ($(du -sh "$CACHE" | cut -f1))"; fi
    if [ "$status" = 0 ]; then
        printf '\nimage-check passed in %d s.\n' "$((SECONDS - started))"
    else
        printf '\nimage-check FAILED (after %d s).\n' "$((SECONDS - started))" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- The daemon ----------------------------------------------------------------------------------

step "Starting dockerd (vfs, no bridge, no iptables; state in $CACHE)"
mkdir -p "$CACHE"
# One check at a time uses the cache.
exec 9>"$CACHE/lock"
flock -n 9 || fail "another image-check is running (it holds $CACHE/lock)."
# In a session of its own, so that Ctrl-C reaches this script, which stops the daemon in order.
setsid dockerd --storage-driver=vfs --iptables=false --ip6tables=false --ip-forward=false \
    --ip-masq=false --bridge=none \
    --data-root "$CACHE/docker" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/docker.pid" \
    --host "$DOCKER_HOST" >"$RUN_DIR/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 60); do
    docker version >/dev/null 2>&1 && break
    kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -20 "$RUN_DIR/dockerd.log" >&2; fail "dockerd exited."; }
    sleep 0.5
done
docker version >/dev/null 2>&1 || { tail -20 "$RUN_DIR/dockerd.log" >&2; fail "dockerd did not answer in 30 s."; }
note "dockerd $(docker version --format '{{.Server.Version}}') pid $DOCKERD_PID"
took

# --- The stand-in base ---------------------------------------------------------------------------

# The first bookworm mirror in this machine's apt sources (one-line or deb822 format).
apt_mirror() {
    local file
    for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$file" ] || continue
        # deb [options] URI suite components
        awk '$1 == "deb" { sub(/\[[^]]*\]/, ""); if ($3 == "bookworm") { print $2; exit } }' "$file"
    done
    for file in /etc/apt/sources.list.d/*.sources; do
        [ -f "$file" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
             { uris = ""; suite = 0; deb = 0
               for (i = 1; i <= NF; i++) {
                 if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
                 if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) suite = 1
                 if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1 }
               if (uris != "" && suite && deb) { split(uris, u, /[ \t]+/); print u[1]; exit } }' "$file"
    done
}

# The host's pip settings, for pip inside the build. Paths and file:// indexes are this machine's
# disk, which the build cannot see, so only http(s) indexes pass; a CA bundle is copied into the
# base at the same path.
pip_setting() {
    local env_name=$1 key=$2
    if [ -n "${!env_name:-}" ]; then echo "${!env_name}"; return; fi
    "$PYTHON" -m pip config get "global.$key" 2>/dev/null || true
}
web_urls() { tr ' ' '\n' | grep -E '^https?://' | paste -sd' ' || true; }
PIP_INDEX=$(pip_setting PIP_INDEX_URL index-url | web_urls)
PIP_EXTRA_INDEX=$(pip_setting PIP_EXTRA_INDEX_URL extra-index-url | web_urls)
PIP_TRUSTED=$(pip_setting PIP_TRUSTED_HOST trusted-host)
PIP_CA=$(pip_setting PIP_CERT cert)
[ -z "$PIP_CA" ] || [ -f "$PIP_CA" ] || PIP_CA=
CA_SUM=$([ -n "$PIP_CA" ] && sha256sum "$PIP_CA" | cut -c1-16 || echo none)
# What the base is made of; a change rebuilds it (raise "format" when this script makes it otherwise).
BASE_ID="format-3 python-$PYTHON_VERSION ca-$CA_SUM"

existing=$(docker image inspect --format '{{index .Config.Labels "kokona.base"}}' "$BASE" 2>/dev/null || true)
if [ "$existing" = "$BASE_ID" ]; then
    step "Base $BASE: cached ($BASE_ID)"
else
    step "Building the base $BASE ($BASE_ID): debootstrap bookworm, then Python $PYTHON_VERSION"
    MIRROR=$(apt_mirror | head -1)
    [ -n "$MIRROR" ] || fail "no bookworm mirror found in /etc/apt/sources.list*"
    note "mirror: $MIRROR"
    # The libraries this Python's binary and extension modules link (tkinter left out, as in
    # python:3.12-slim), as Debian packages; with the certificates, netbase and time zones.
    mapfile -t libs < <(
        find "$PYTHON" "$PYTHON_PREFIX/lib" -maxdepth 3 \
            \( -path "$PYTHON" -o -name '*.so*' -not -name '_tkinter*' \) -exec ldd {} + 2>/dev/null |
            awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u | grep -v "^$PYTHON_PREFIX/")
    packages=(ca-certificates netbase tzdata)
    for lib in "${libs[@]}"; do
        owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null ||
            dpkg -S "$(readlink -f "$lib")" 2>/dev/null) || fail "no Debian package holds $lib"
        packages+=("${owner%%:*}")
    done
    include=$(printf '%s\n' "${packages[@]}" | sort -u | paste -sd,)
    note "packages: $include"
    ROOTFS=$(mktemp -d "$CACHE/rootfs.XXXXXX")
    chmod 755 "$ROOTFS" # mktemp's 700 would become the image's /, closed to the app's user
    debootstrap --variant=minbase --include="$include" bookworm "$ROOTFS" "$MIRROR" \
        >"$RUN_DIR/debootstrap.log" 2>&1 || { tail -20 "$RUN_DIR/debootstrap.log" >&2; fail "debootstrap failed."; }
    # Trimmed as the slim images are: no package lists, documentation or manual pages.
    rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* \
        "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/*
    # pyenv's Python has its prefix built in, so it keeps its path; the app's user must reach it.
    tar -C / --exclude='lib/python3.12/test' --exclude='lib/python3.12/idlelib' \
        --exclude='lib/python3.12/tkinter' --exclude='lib/python3.12/turtledemo' \
        --exclude='lib/python3.12/lib-dynload/_tkinter*' \
        --exclude='lib/python3.12/site-packages/*' --exclude='*.opt-[12].pyc' \
        -cf - "${PYTHON_PREFIX#/}" | tar -C "$ROOTFS" -xf -
    dir=$PYTHON_PREFIX
    while [ "$dir" != / ]; do chmod go+rx "$ROOTFS$dir"; dir=$(dirname "$dir"); done
    for name in python python3 python3.12 pip pip3; do
        target=$PYTHON_PREFIX/bin/$name
        [ -e "$ROOTFS$target" ] || target=$PYTHON_PREFIX/bin/python3.12
        [ "${name#pip}" = "$name" ] || target=$PYTHON_PREFIX/bin/pip3.12
        ln -sf "$target" "$ROOTFS/usr/local/bin/$name"
    done
    if [ -n "$PIP_CA" ]; then
        mkdir -p "$ROOTFS$(dirname "$PIP_CA")"
        cp "$PIP_CA" "$ROOTFS$PIP_CA"
        note "CA bundle for pip: $PIP_CA"
    fi
    chroot "$ROOTFS" /usr/local/bin/python -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, zoneinfo, venv, ensurepip; zoneinfo.ZoneInfo("Asia/Tokyo")' ||
        fail "the base's Python cannot import its standard modules."
    docker image rm -f "$BASE" >/dev/null 2>&1 || true
    tar -C "$ROOTFS" --numeric-owner -cf - . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change "LABEL kokona.base=\"$BASE_ID\"" \
        --change 'CMD ["python3"]' - "$BASE" >/dev/null
    rm -rf "$ROOTFS"
    ROOTFS=
    note "$(docker image inspect --format '{{.Size}}' "$BASE" | numfmt --to=iec) imported"
fi
took

# --- The image -----------------------------------------------------------------------------------

step "Building $IMAGE on $BASE"
build_args=(--build-arg "BASE_IMAGE=$BASE")
[ -z "$PIP_INDEX" ] || build_args+=(--build-arg "PIP_INDEX_URL=$PIP_INDEX")
[ -z "$PIP_EXTRA_INDEX" ] || build_args+=(--build-arg "PIP_EXTRA_INDEX_URL=$PIP_EXTRA_INDEX")
[ -z "$PIP_TRUSTED" ] || build_args+=(--build-arg "PIP_TRUSTED_HOST=$PIP_TRUSTED")
[ -z "$PIP_CA" ] || build_args+=(--build-arg "PIP_CERT=$PIP_CA")
note "build args: ${build_args[*]}"
# The classic builder: it needs no buildx plugin and takes --network host as it is. The build
# stage is tagged too, so that its layers (the pip install) stay cached for the next run.
build() {
    DOCKER_BUILDKIT=0 docker build --network host --force-rm "${build_args[@]}" "$@" "$REPO" \
        >"$RUN_DIR/build.log" 2>&1 || { tail -40 "$RUN_DIR/build.log" >&2; fail "docker build failed."; }
    awk '/^Step [0-9]+\// { if (s) print s; s = $0 } /Using cache/ { s = s "  (cached)" }
         END { if (s) print s }' "$RUN_DIR/build.log" | sed 's/^/    /'
}
build --target build -t "$IMAGE-build"
build -t "$IMAGE"
note "$(docker image inspect --format '{{.Size}}' "$IMAGE" | numfmt --to=iec), user $(docker image inspect --format '{{.Config.User}}' "$IMAGE")"
took

# --- The database and the containers -------------------------------------------------------------

step "PostgreSQL: a throwaway database $DB; createdb and migrate as the owner, in a container"
found=$(owner_sql -c "SELECT coalesce(shobj_description(oid, 'pg_database'), 'no comment') FROM pg_database WHERE datname = '$DB'
    UNION ALL SELECT coalesce(shobj_description(oid, 'pg_authid'), 'no comment') FROM pg_roles WHERE rolname = '$APP_ROLE'")
if [ -n "$found" ] && grep -qvxF "$MARK" <<<"$found"; then
    fail "database $DB or role $APP_ROLE exists and is no throwaway of image-check: set IMAGE_CHECK_DB, or drop them."
fi
OWN_DB=1
drop_database
random() { "$PYTHON" -c 'import secrets; print(secrets.token_urlsafe(32))'; }
umask 077
# The secrets go through env files, never the command line.
cat >"$RUN_DIR/app.env" <<EOF
DATABASE_URL=postgres://$APP_ROLE:$(random)@${OWNER_URL#*@}/$DB
SECRET_KEY=$(random)$(random)
ALLOWED_HOSTS=$HOST_NAME
CSRF_TRUSTED_ORIGINS=https://$HOST_NAME
FIELD_ENCRYPTION_KEYS=$("$PYTHON" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')
FIELD_HASH_KEY=$(random)
EOF
cp "$RUN_DIR/app.env" "$RUN_DIR/owner.env"
echo "MIGRATE_DATABASE_URL=$OWNER_URL/$DB" >>"$RUN_DIR/owner.env"
umask 022
# The command of compose.yaml's migrate service.
docker run --name "$NAME-migrate" --rm --network host --env-file "$RUN_DIR/owner.env" "$IMAGE" \
    sh -c 'python manage.py createdb && python manage.py migrate --noinput' \
    >"$RUN_DIR/migrate.log" 2>&1 || { tail -30 "$RUN_DIR/migrate.log" >&2; fail "createdb or migrate failed."; }
grep -v -E '^  Applying .* OK$' "$RUN_DIR/migrate.log" | sed 's/^/    /'
note "$(grep -c -E '^  Applying .* OK$' "$RUN_DIR/migrate.log") migrations applied"
owner_sql -c "COMMENT ON DATABASE \"$DB\" IS '$MARK'" -c "COMMENT ON ROLE \"$APP_ROLE\" IS '$MARK'"
took

step "Serving: gunicorn as the app's role $APP_ROLE, and db_worker in its own container"
PORT=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
docker run -d --name "$NAME-web" --network host --env-file "$RUN_DIR/app.env" -e "PORT=$PORT" \
    -e WEB_CONCURRENCY=2 "$IMAGE" >/dev/null
docker run -d --name "$NAME-worker" --network host --env-file "$RUN_DIR/app.env" "$IMAGE" \
    python manage.py db_worker >/dev/null
note "containers started ($((SECONDS - step_started)) s)"
show_logs() {
    local container
    for container in "$NAME-web" "$NAME-worker"; do
        printf -- '--- %s\n' "$container" >&2
        docker logs --tail 30 "$container" >&2 2>&1 || true
    done
}
get() { # path -> "status bytes", the body in $RUN_DIR/body
    curl -sS -o "$RUN_DIR/body" -w '%{http_code} %{size_download}' --max-time 10 \
        -H "Host: $HOST_NAME" -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT$1" || true
}
answer=
for _ in $(seq 60); do
    answer=$(get /healthz 2>/dev/null)
    [ "${answer%% *}" = 200 ] && break
    [ "$(docker inspect --format '{{.State.Running}}' "$NAME-web")" = true ] ||
        { show_logs; fail "the web container stopped."; }
    sleep 1
done
[ "${answer%% *}" = 200 ] || { show_logs; fail "/healthz answered '$answer' after 60 s."; }
note "gunicorn on 127.0.0.1:$PORT (host network)"
took

step "Checks"
check() { note "ok  $*"; }
[ "$(cat "$RUN_DIR/body")" = ok ] || fail "/healthz said $(cat "$RUN_DIR/body")"
check "/healthz 200 ok"
answer=$(get /login/)
[ "${answer%% *}" = 200 ] || { show_logs; fail "/login/ answered $answer"; }
grep -q 'name="csrfmiddlewaretoken"' "$RUN_DIR/body" || fail "/login/ has no sign-in form."
! grep -q 'Sign in to kokona' "$RUN_DIR/body" || fail "/login/ is in English: no Japanese catalogue."
check "/login/ 200, ${answer#* } bytes, a Japanese sign-in form"
css=$(grep -o '/static/css/kokona\.[0-9a-f]*\.css' "$RUN_DIR/body" | head -1)
[ -n "$css" ] || fail "/login/ links no hashed kokona.css (collectstatic's manifest)."
answer=$(get "$css")
[ "${answer%% *}" = 200 ] || fail "$css answered $answer"
check "$css 200 (collected at build time, served by whitenoise)"
docker exec "$NAME-web" python -c 'from django.utils.translation import gettext, override
import django; django.setup()
with override("ja"):
    assert gettext("Sign in") != "Sign in", "no Japanese catalogue"' ||
    fail "the compiled Japanese catalogue is missing."
check "the Japanese catalogue is compiled"
answer=$(curl -sS -o /dev/null -w '%{http_code}' -H 'Host: evil.example' -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/login/")
[ "$answer" = 400 ] || fail "an unknown Host answered $answer, not 400"
check "an unknown Host gets 400"
answer=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST_NAME" "http://127.0.0.1:$PORT/login/")
[ "$answer" = "301 https://$HOST_NAME/login/" ] || fail "plain HTTP answered '$answer', not a redirect to HTTPS"
check "plain HTTP is redirected to HTTPS (DEBUG off)"
for container in "$NAME-web" "$NAME-worker"; do
    [ "$(docker exec "$container" id -u)" != 0 ] || fail "$container runs as root"
done
check "web and worker run as uid $(docker exec "$NAME-web" id -u), not root"
for _ in $(seq 20); do
    docker logs "$NAME-worker" 2>&1 | grep -q 'Starting worker' && break
    sleep 0.5
done
docker logs "$NAME-worker" 2>&1 | grep -q 'Starting worker' || { show_logs; fail "db_worker did not start."; }
sleep 3 # it polls the task table: a missing grant would stop it now
[ "$(docker inspect --format '{{.State.Running}}' "$NAME-worker")" = true ] ||
    { show_logs; fail "db_worker stopped."; }
check "db_worker started and keeps polling"
roles=$(psql "$OWNER_URL/postgres" -qAt -c "SELECT string_agg(DISTINCT usename, ',') FROM pg_stat_activity WHERE datname = '$DB'")
[ "$roles" = "$APP_ROLE" ] || fail "connected to $DB as '$roles', expected only $APP_ROLE"
check "connected to $DB only as $APP_ROLE"
read -r super owns <<<"$(psql "$OWNER_URL/$DB" -qAt -F' ' -c "SELECT rolsuper, (SELECT count(*) FROM pg_tables WHERE tableowner = '$APP_ROLE') FROM pg_roles WHERE rolname = '$APP_ROLE'")"
{ [ "$super" = f ] && [ "$owns" = 0 ]; } || fail "$APP_ROLE is a superuser ($super) or owns $owns tables"
check "$APP_ROLE is no superuser and owns no table"
took
