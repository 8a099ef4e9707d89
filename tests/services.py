"""The real back-ends of the tests (PostgreSQL, redis-server, nginx), shared with
`rolwissel bench cluster`: they live in rolwissel_client/bench/services.py. A missing program
raises MissingProgram there; tests/conftest.py turns it into a failure under CI=true."""

from rolwissel_client.bench.services import LOG_FORMAT as LOG_FORMAT
from rolwissel_client.bench.services import MissingProgram as MissingProgram
from rolwissel_client.bench.services import Nginx as Nginx
from rolwissel_client.bench.services import PostgresCluster as PostgresCluster
from rolwissel_client.bench.services import RedisServer as RedisServer
from rolwissel_client.bench.services import main_config as main_config
from rolwissel_client.bench.services import nginx_program as nginx_program
from rolwissel_client.bench.services import nginx_test as nginx_test
from rolwissel_client.bench.services import render_site as render_site
from rolwissel_client.bench.services import self_signed_certificate as self_signed_certificate
