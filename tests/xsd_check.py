#!/usr/bin/env python3
"""Validate an XML file against the small XSD subset that tests/data/junit.xsd
uses (standard library only: Debian's xmllint is not installed), and with
--junit also check that every count attribute agrees with the test cases.

    xsd_check.py SCHEMA.xsd FILE.xml [--junit]

Supported: global and local xs:element (name/ref/type, minOccurs,
maxOccurs), named and anonymous xs:complexType with xs:sequence or
xs:choice of elements, xs:attribute (use, built-in types), and
xs:simpleContent/xs:extension of xs:string. Exit 0 when valid; else the
errors on stderr and exit 1."""
import re
import sys
import xml.etree.ElementTree as ET

XS = "{http://www.w3.org/2001/XMLSchema}"
TYPES = {
    "xs:string": lambda v: True,
    "xs:decimal": lambda v: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", v),
    "xs:nonNegativeInteger": lambda v: re.fullmatch(r"\+?\d+", v),
    "xs:int": lambda v: re.fullmatch(r"[+-]?\d+", v),
    "xs:dateTime": lambda v: re.fullmatch(
        r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?", v),
}
errors = []


def occurs(decl, name, default=1):
    v = decl.get(name)
    if v is None:
        return default
    return float("inf") if v == "unbounded" else int(v)


class Schema:
    def __init__(self, root):
        self.elements = {e.get("name"): e for e in root.findall(XS + "element")}
        self.types = {t.get("name"): t for t in root.findall(XS + "complexType")}

    def resolve(self, decl):
        """(name, complexType or None, simple type name or None)"""
        if decl.get("ref"):
            decl = self.elements[decl.get("ref")]
        name = decl.get("name")
        t = decl.get("type")
        if t in self.types:
            return name, self.types[t], None
        if t:
            return name, None, t
        return name, decl.find(XS + "complexType"), None

    def check(self, node, decl, path):
        name, ctype, simple = self.resolve(decl)
        path = f"{path}/{name}"
        if node.tag != name:
            errors.append(f"{path}: found <{node.tag}>")
            return
        if simple is not None:
            if len(node):
                errors.append(f"{path}: child elements in a simple element")
            if node.attrib:
                errors.append(f"{path}: attributes {sorted(node.attrib)} not allowed")
            return
        if ctype is None:
            return
        attrs = list(ctype.findall(XS + "attribute"))
        simple_content = ctype.find(XS + "simpleContent")
        if simple_content is not None:
            ext = simple_content.find(XS + "extension")
            attrs += ext.findall(XS + "attribute")
            if len(node):
                errors.append(f"{path}: child elements in simple content")
        elif (node.text or "").strip() and ctype.get("mixed") != "true":
            errors.append(f"{path}: text not allowed")
        known = {}
        for a in attrs:
            known[a.get("name")] = a
            if a.get("use") == "required" and a.get("name") not in node.attrib:
                errors.append(f"{path}: missing attribute {a.get('name')}")
        for k, v in node.attrib.items():
            if k not in known:
                errors.append(f"{path}: unknown attribute {k}")
                continue
            check = TYPES.get(known[k].get("type", "xs:string"))
            if check is None:
                errors.append(f"schema: unsupported type {known[k].get('type')}")
            elif not check(v):
                errors.append(f"{path}: attribute {k}={v!r} is no {known[k].get('type')}")
        model = ctype.find(XS + "sequence")
        if model is None:
            model = ctype.find(XS + "choice")
        children = list(node)
        if model is None:
            if children and simple_content is None:
                errors.append(f"{path}: no child elements allowed")
            return
        for c in children:
            if (c.tail or "").strip():
                errors.append(f"{path}: text not allowed")
        rest = self.match(model, children, path)
        if rest:
            errors.append(f"{path}: unexpected <{rest[0].tag}>")

    def match(self, model, children, path):
        """Consume children for a sequence or choice; return those left."""
        lo, hi = occurs(model, "minOccurs"), occurs(model, "maxOccurs")
        count = 0
        while count < hi and children:
            if model.tag == XS + "sequence":
                before = len(children)
                for d in model.findall(XS + "element"):
                    name = self.resolve(d)[0]
                    n = 0
                    while children and children[0].tag == name and n < occurs(d, "maxOccurs"):
                        self.check(children[0], d, path)
                        children = children[1:]
                        n += 1
                    if n < occurs(d, "minOccurs"):
                        errors.append(f"{path}: <{name}> expected {occurs(d, 'minOccurs')} times")
                if len(children) == before:
                    break
            else:
                decl = next((d for d in model.findall(XS + "element")
                             if self.resolve(d)[0] == children[0].tag), None)
                if decl is None:
                    break
                self.check(children[0], decl, path)
                children = children[1:]
            count += 1
        if count < lo and model.tag == XS + "choice":
            errors.append(f"{path}: a choice expected {lo} times")
        return children


def junit_counts(root):
    totals = [0, 0, 0, 0]
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        got = [len(cases),
               sum(1 for c in cases if c.find("failure") is not None),
               sum(1 for c in cases if c.find("error") is not None),
               sum(1 for c in cases if c.find("skipped") is not None)]
        for i, key in enumerate(["tests", "failures", "errors", "skipped"]):
            totals[i] += got[i]
            if suite.get(key) is not None and int(suite.get(key)) != got[i]:
                errors.append(f"testsuite {suite.get('name')!r}: {key}={suite.get(key)}, counted {got[i]}")
        case_time = sum(float(c.get("time", 0)) for c in cases)
        if float(suite.get("time", 0)) + 1e-6 < case_time:
            errors.append(f"testsuite {suite.get('name')!r}: time {suite.get('time')} < the cases' {case_time}")
    if root.tag == "testsuites":
        for i, key in enumerate(["tests", "failures", "errors", "skipped"]):
            if root.get(key) is not None and int(root.get(key)) != totals[i]:
                errors.append(f"testsuites: {key}={root.get(key)}, counted {totals[i]}")


def main():
    schema = Schema(ET.parse(sys.argv[1]).getroot())
    try:
        root = ET.parse(sys.argv[2]).getroot()
    except ET.ParseError as e:
        print(f"not well-formed: {e}", file=sys.stderr)
        return 1
    decl = schema.elements.get(root.tag)
    if decl is None:
        errors.append(f"root <{root.tag}> is not declared")
    else:
        schema.check(root, decl, "")
    if "--junit" in sys.argv[3:]:
        junit_counts(root)
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
