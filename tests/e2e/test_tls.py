"""TLS: the emulator serves HTTPS with a certificate from a CA this test makes.

By default the modules refuse the certificate with a clear message; ``ca_path`` or ``BITBUCKET_CA_PATH``
makes them trust it; ``validate_certs: false`` works, and warns. On both execution paths.
"""

import datetime
import ipaddress
import os
import threading

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import make_server

from bitbucket_emulator import create_app


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_ca_and_server_cert(directory):
    """A CA, and a server certificate it signs for 127.0.0.1 and localhost; paths of the PEM files."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder().subject_name(_name("bitbucket.datacenter test CA")).issuer_name(_name("bitbucket.datacenter test CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_cert = (
        x509.CertificateBuilder().subject_name(_name("127.0.0.1")).issuer_name(ca_cert.subject)
        .public_key(server_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = {name: os.path.join(directory, name + ".pem") for name in ("ca", "server", "server-key")}
    with open(paths["ca"], "wb") as handle:
        handle.write(ca_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["server"], "wb") as handle:
        handle.write(server_cert.public_bytes(serialization.Encoding.PEM))
    with open(paths["server-key"], "wb") as handle:
        handle.write(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return paths


@pytest.fixture(scope="module")
def https_emulator(tmp_path_factory):
    paths = make_ca_and_server_cert(str(tmp_path_factory.mktemp("tls")))
    server = make_server("127.0.0.1", 0, create_app(), threaded=True, ssl_context=(paths["server"], paths["server-key"]))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "https://127.0.0.1:%d" % server.server_port, paths["ca"]
    server.shutdown()


def playbook(url, ca_path):
    def read(name, **extra):
        task = {"name": name, "bitbucket.datacenter.bitbucket_project_info": dict({"key": "TLS"}, **extra)}
        return dict(task, ignore_errors=True)

    return [{
        "name": "TLS",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "module_defaults": {"group/bitbucket.datacenter.bitbucket": {"url": url, "username": "admin", "password": "admin"}},
        "tasks": [
            read("default trust"),
            read("ca_path given", ca_path=ca_path),
            dict(read("environment variable"), environment={"BITBUCKET_CA_PATH": ca_path}),
            read("unverified", validate_certs=False),
        ],
    }]


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_a_private_ca_is_refused_by_default_and_trusted_through_ca_path(playbook_runner, https_emulator, in_process, tmp_path):
    url, ca_path = https_emulator
    path = tmp_path / "tls.yml"
    path.write_text(yaml.safe_dump(playbook(url, ca_path), sort_keys=False), encoding="utf-8")

    completed, results = playbook_runner.run(str(path), extra_vars={"bitbucket_datacenter_in_process": in_process}, name="tls")

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    by_task = {entry["task"]: entry for entry in results}
    refused = by_task["default trust"]
    assert refused["status"] == "failed"
    assert "TLS verification of %s failed" % url in refused["result"]["msg"]
    assert "set ca_path to the CA bundle that signed the server certificate" in refused["result"]["msg"]
    for trusted in ("ca_path given", "environment variable"):
        assert by_task[trusted]["status"] == "ok", by_task[trusted]["result"].get("msg")
        assert by_task[trusted]["result"]["projects"] == []
    unverified = by_task["unverified"]
    assert unverified["status"] == "ok", unverified["result"].get("msg")
    assert any("validate_certs is false" in warning for warning in unverified["result"].get("warnings", []))
    assert "InsecureRequestWarning" not in completed.stdout + completed.stderr
