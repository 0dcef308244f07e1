"""A minimal JSON-RPC node for tests: eth-tester (py-evm) behind ``http.server`` in a thread.

It answers the methods :class:`~zkel.host.settlement.rpc.RpcChain` uses, as geth
does: quantities in hex, a reverted call or estimate as error code 3 with the
revert data, receipts in camelCase.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from eth_abi import encode
from eth_tester import EthereumTester, PyEVMBackend
from eth_tester.exceptions import TransactionFailed

from zkel.host.settlement.chain import decode_revert, revert_data

GAS_PRICE = 10**10


def _hex(b: bytes | str) -> str:
    return b if isinstance(b, str) else "0x" + b.hex()


def _tx(params: dict) -> dict:
    out = {"from": params["from"], "data": params.get("data", "0x"),
           "value": int(params.get("value", "0x0"), 16),
           "gas": int(params.get("gas", hex(10_000_000)), 16)}  # fmt: skip
    if params.get("to"):
        out["to"] = params["to"]
    return out


class LocalNode:
    """Serves an eth-tester chain on ``http://127.0.0.1:<port>`` until :meth:`close`."""

    def __init__(self) -> None:
        self.tester = EthereumTester(PyEVMBackend())
        self.lock = threading.Lock()
        node = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with node.lock:
                    answer = node.answer(request)
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, request: dict) -> dict:
        reply: dict[str, Any] = {"jsonrpc": "2.0", "id": request["id"]}
        try:
            reply["result"] = self.dispatch(request["method"], request["params"])
        except TransactionFailed as exc:
            arg = revert_data(exc)
            if isinstance(arg, bytes):  # raw revert data
                data, reason = "0x" + arg.hex(), decode_revert(arg)
            else:
                data, reason = "0x08c379a0" + encode(["string"], [arg]).hex(), str(arg)
            reply["error"] = {"code": 3, "message": f"execution reverted: {reason}", "data": data}
        except Exception as exc:  # reported to the client as a node error
            reply["error"] = {"code": -32000, "message": str(exc)}
        return reply

    def dispatch(self, method: str, params: list) -> Any:
        t = self.tester
        match method:
            case "eth_accounts":
                return list(t.get_accounts())
            case "eth_chainId":
                return hex(131277322940537)
            case "eth_gasPrice":
                return hex(GAS_PRICE)
            case "eth_getBalance":
                return hex(t.get_balance(params[0]))
            case "eth_getTransactionCount":
                return hex(t.get_nonce(params[0]))
            case "eth_call":
                return t.call(_tx(params[0]))
            case "eth_estimateGas":
                return hex(t.estimate_gas(_tx(params[0])))
            case "eth_sendTransaction":
                return t.send_transaction(_tx(params[0]))
            case "eth_sendRawTransaction":
                return t.send_raw_transaction(params[0])
            case "eth_getTransactionReceipt":
                return self.receipt(params[0])
        raise ValueError(f"method {method} not supported")

    def receipt(self, tx_hash: str) -> dict:
        r = self.tester.get_transaction_receipt(tx_hash)
        return {
            "transactionHash": r["transaction_hash"],
            "status": hex(r["status"]),
            "gasUsed": hex(r["gas_used"]),
            "effectiveGasPrice": hex(r["effective_gas_price"]),
            "blockNumber": hex(r["block_number"]),
            "contractAddress": r["contract_address"],
            "logs": [
                {
                    "address": log["address"],
                    "topics": [_hex(x) for x in log["topics"]],
                    "data": _hex(log["data"]),
                }  # fmt: skip
                for log in r["logs"]
            ],
        }
