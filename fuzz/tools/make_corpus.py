#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/<target>/ from the shared vectors and data.

Seeds are real inputs: tokens of shared/spec/vectors/wm1.json, request bodies as api.md shows
them, the first lines of the catalogue CSV, query strings, wedge streams. Re-run it after the
vectors change; it rewrites only the seed_* files it owns.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ = os.path.dirname(HERE)
SHARED = os.environ.get("CRADLE_SHARED_DIR", os.path.join(FUZZ, "..", "..", "shared"))


def write(target, name, data):
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, "seed_" + name), "wb") as f:
        f.write(data)


def main():
    vec = json.load(open(os.path.join(SHARED, "spec", "vectors", "wm1.json")))
    valid = vec["valid"]
    # WM1 tokens: genuine ones, and every documented failure.
    for i, v in enumerate(valid):
        write("wm1_token", "valid_%d" % i, v["token"])
    write("wm1_token", "valid_crlf", valid[0]["token"] + "\r\n")
    for i, v in enumerate(vec["invalid"]):
        write("wm1_token", "invalid_%02d" % i, v["token"])
    # Token fields (kid/uscc/code/yyyy/mm/dd/serial/mass/pack).
    for i, v in enumerate(valid):
        y, m, d = v["produced_on"].split("-")
        write("wm1_fields", "valid_%d" % i, "/".join([
            v["kid"], v["uscc"], v["waste_code"].replace("-", ""), y, m, d, str(v["serial"]),
            str(v["mass_g"]), v["packaging"]]))
    write("wm1_fields", "bad_kid", "k1/91331000MA2H0A1B3E/77200218/2026/11/28/1/1/TB")
    # Base45.
    for i, b in enumerate(vec["base45"]):
        write("base45", "text_%d" % i, b["text"])
        write("base45", "bytes_%d" % i, bytes.fromhex(b["bytes_hex"]))
    write("base45", "signature", valid[0]["token"][-96:])
    # Masses as typed.
    for i, m in enumerate(["1251.5", "1251.5 kg", "1.2515 t", "1251500 g", " 0.001 kg ",
                           "50000", "50000.001", "1,251.5", "-1", "1e3", "12 千克", "3 吨",
                           "0.5 g", "700 公斤", "1 KG", "0"]):
        write("mass", "%02d" % i, m)
    # Dates and times.
    for i, t in enumerate(["2026-11-28", "20261128", "2024-02-29", "2026-02-30", "2026-11",
                           "+08:00", "-05:30", "Z", "2026-11-28T09:41:07+08:00",
                           "2026-11-28T01:41:07.123456Z", "2026-11-28 09:41:07.5-05:30",
                           "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59.999999-12:00",
                           "2026-12-31T23:59:60Z"]):
        write("civil_time", "%02d" % i, t)
    # Identifiers: USCCs, waste codes, digital ids.
    ids = vec["uscc"]["valid"] + vec["uscc"]["invalid"] + [v["digital_id"] for v in valid]
    ids += ["772-002-18", "77200218", "900-249-08", "772-002-43", " ９１３３１０００ｍａ２ｈ０ａ１ｂ３ｅ　"]
    for i, s in enumerate(ids):
        write("identifiers", "%02d" % i, s)
    # Catalogue CSV: the header and first lines, CRLF and BOM variants, a quoted field.
    lines = open(os.path.join(SHARED, "data", "hw-catalogue-2016.csv"), encoding="utf-8").read()
    lines = lines.splitlines()
    write("catalogue_csv", "head", "\n".join(lines[:12]) + "\n")
    write("catalogue_csv", "head_crlf_bom", "\ufeff" + "\r\n".join(lines[:6]))
    write("catalogue_csv", "quoted", lines[0] + '\n772-002-18,HW18,焚烧处置残渣,"环境治理, 其他","飞灰 ""quoted""",T\n')
    write("catalogue_csv", "vacant", lines[0] + "\n900-001-42,HW42,空,,x,T\n")
    # JWK Sets.
    jwks = {"keys": [k["jwk"] for k in vec["keys"]]}
    write("jwks", "both", json.dumps(jwks))
    write("jwks", "one", json.dumps({"keys": [vec["keys"][0]["jwk"]]}))
    write("jwks", "empty", '{"keys":[]}')
    write("jwks", "dup", json.dumps({"keys": [vec["keys"][0]["jwk"]] * 2}))
    # Query strings and targets.
    for i, q in enumerate(["limit=10&after=abc", "a=1&b=x+y&c", "/api/v1/manifests?status=issued&limit=100",
                           "name=%E6%B5%99J12345&x=%2B", "%00", "%4", "%zz=1", "a=b=c&&d=",
                           "/p%20a/t?q=1#frag"]):
        write("query", "%02d" % i, q)
    # Request bodies (byte 0 picks the reader: org, issue, facility, programme, token, device,
    # label run).
    bodies = [
        (0, {"uscc": "91331000MA2H0A1B3E", "name": "台州某焚烧发电有限公司", "roles": ["producer"],
             "district": "331002", "small_enterprise": False, "contact": "0576-1234567"}),
        (1, {"producer": "91331000MA2H0A1B3E", "waste_code": "772-002-18", "mass_g": 1250500,
             "packaging": "TB", "count": 2, "produced_on": "2026-11-28",
             "destination": "landfill-1", "description": "飞灰"}),
        (2, {"id": "landfill-1", "operator": "91110108551385082Q", "name": "Landfill",
             "kind": "landfill", "accepts": ["772-002-18"],
             "capacity": {"volume_m3": 1000000, "density_t_per_m3": 1.3}}),
        (2, {"id": "inc-1", "operator": "91110108551385082Q", "name": "Incinerator",
             "kind": "incinerator", "accepts": ["900-249-08"], "capacity": {"t_per_year": 30000}}),
        (3, {"id": "prog-1", "name": "Small enterprises", "collector": "91130200699229617X",
             "capacity_t_per_year": 500, "members": ["91331082MA7Q8LXK0C"]}),
        (4, {"role": "producer", "label": "weighbridge PC"}),
        (5, {"device_id": "scanner-01", "org": "91130200699229617X"}),
        (6, {"ids": [valid[0]["digital_id"], valid[1]["digital_id"]], "format": "zpl", "size": 100}),
        (6, {"ids": [valid[0]["digital_id"]], "format": "pdf"}),
    ]
    for i, (which, body) in enumerate(bodies):
        write("api_requests", "%02d" % i, bytes([which]) + json.dumps(body, ensure_ascii=False).encode())
    write("api_requests", "not_object", bytes([0]) + b"[1,2]")
    write("api_requests", "malformed", bytes([1]) + b'{"mass_g": 12')
    # Transfer bodies as transfers.md shows them (byte 0 mod 8 picks the reader: create,
    # containers, no fields, cancel, receipt, return, revision proposal, revision answer).
    digital = [v["digital_id"] for v in valid]
    transfer_bodies = [
        (0, {"sender": "91331000MA2H0A1B3E", "carrier": "91130200699229617X",
             "receiver": "landfill-1", "vehicle": "浙J12345",
             "driver": {"name": "王师傅", "licence": "330100"}, "purpose": "disposal",
             "planned_on": "2026-12-03", "containers": digital[:2]}),
        (0, {"sender": "91331000MA2H0A1B3E", "carrier": "91130200699229617X",
             "receiver": "inc-1", "vehicle": "浙J12345", "purpose": "utilisation",
             "containers": []}),
        (1, {"add": digital[:1], "remove": digital[1:2]}),
        (1, {"remove": digital[:1]}),
        (2, {}),
        (3, {"reason": "改期"}),
        (4, {"refused": [{"manifest": digital[0], "reason": "包装破损渗漏", "mass_g": 24000}],
             "discrepancies": [{"manifest": digital[1], "field": "packaging",
                                "note": "标签为桶装，实为袋装"}],
             "weighbridge_g": 24500, "note": "过磅"}),
        (4, {"discrepancies": [{"manifest": digital[0], "field": "colour", "note": "x"}]}),
        (5, {"to": "sender"}),
        (5, {"to": "landfill-1"}),
        (6, {"changes": {"vehicle": "浙J99999", "driver": {"name": "李师傅"},
                         "receiver": "inc-1",
                         "containers": [{"manifest": digital[0], "declared_g": 26000,
                                         "waste_code": "900-249-08", "packaging": "BG"}]},
             "reason": "车辆故障换车；废物代码填错"}),
        (6, {"changes": {}, "reason": ""}),
        (7, {"note": "司机未备案"}),
    ]
    for i, (which, body) in enumerate(transfer_bodies):
        write("transfer_requests", "%02d" % i,
              bytes([which]) + json.dumps(body, ensure_ascii=False).encode())
    write("transfer_requests", "empty_receipt", bytes([4]))
    write("transfer_requests", "empty_cancel", bytes([3]))
    write("transfer_requests", "malformed", bytes([6]) + b'{"changes": {"vehicle": ')
    write("transfer_requests", "null_array", bytes([4]) + b'{"refused": null}')
    # Wedge streams (byte 0: bit 0 mass_required, bit 1 refuse odd-length tokens).
    t0, t1 = valid[0]["token"], valid[2]["token"]
    streams = [
        (1, t0 + "\r\n1251.5\r\n" + t1 + "\r\n180 kg\r\n"),
        (1, t0 + "\n" + t1 + "\n1251.5\n" + t0 + "\n180\n"),
        (0, t0 + "\n1251.5 kg\n\n" + t1 + "\n"),
        (3, t0 + "\n" + t1 + "X\n1.2 t\n12,5\n"),
        (1, "  \n\t\n1251.5\nnot a token\n"),
    ]
    for i, (mode, s) in enumerate(streams):
        write("wedge", "%02d" % i, bytes([mode]) + s.encode())
    # ZPL field text.
    for i, s in enumerate([valid[0]["token"], "飞灰 HW18", "^XA^FDinjected^FS^XZ", "~JA_1_",
                           "台州某焚烧发电有限公司 tel. 0576-1234567"]):
        write("zpl_escape", "%02d" % i, s)


if __name__ == "__main__":
    sys.exit(main())
