"""The HMAC-SM3 request signature as an OpenAPI security scheme (drf-spectacular extension)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

SIGNING_DESCRIPTION = """部门系统以客户端标识和密钥对每个请求签名（HMAC-SM3，国密算法）。客户端由管理员以
`haoban integration add-client --department <统一社会信用代码>` 创建，密钥只显示一次。

请求头：

- `X-Haoban-Client`：客户端标识（hbc_ 开头）
- `X-Haoban-Timestamp`：Unix 时间戳（秒），与服务器时间相差不超过 300 秒
- `X-Haoban-Nonce`：8–64 个字母、数字、`-` 或 `_` 组成的随机串，同一客户端 10 分钟内不得重复
- `X-Haoban-Signature`：HMAC-SM3(密钥的 UTF-8 字节, 待签名串)，64 位小写十六进制

待签名串为以下五行，以 `\\n` 连接（末尾无换行）：

```
METHOD           大写，如 GET、POST
PATH?QUERY       请求路径和查询串，与实际发送的完全一致；无查询串时只有 PATH（不加“?”）
TIMESTAMP        X-Haoban-Timestamp 的值
NONCE            X-Haoban-Nonce 的值
SM3(body)        请求体原始字节的 SM3 摘要，64 位小写十六进制；无请求体时为空串的摘要
```

示例：密钥 `hbs_example-secret`，`GET /api/v1/integration/cases/?updated_since=2026-12-01T00:00:00%2B08:00`，
时间戳 `1796000000`，随机串 `0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b`，待签名串为

```
GET
/api/v1/integration/cases/?updated_since=2026-12-01T00:00:00%2B08:00
1796000000
0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b
1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b
```

签名为 `{example_signature}`。HMAC-SM3 即以 SM3（分组 64 字节）为杂凑函数的 HMAC（RFC 2104，GM/T 0042-2015）。
可运行的 Python 示例（仅用标准库）：docs/examples/integration_client.py；说明：docs/integration.md。

失败时返回 401，message 为：`客户端不存在或已停用`、`时间戳超出允许范围`、`签名无效`、`请求已使用过（nonce 重复）`。

平台推送给部门系统的 webhook 以同样方式、同一密钥签名，并带 `X-Haoban-Delivery`（投递标识，重试时不变，
接收方据此去重）；返回 2xx 以外的状态码或连接失败时，平台按 10 秒、20 秒、40 秒……（最长 1 小时）退避重试。"""


def example_signature() -> str:
    from .signing import canonical_string, signature

    canonical = canonical_string(
        method="GET",
        path="/api/v1/integration/cases/",
        query="updated_since=2026-12-01T00:00:00%2B08:00",
        timestamp="1796000000",
        nonce="0f8c1e4a5b6d7e8f9a0b1c2d3e4f5a6b",
        body=b"",
    )
    return signature("hbs_example-secret", canonical)


class HmacClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "haoban.integration.authentication.HmacClientAuthentication"
    name = "HmacSm3Signature"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Haoban-Signature",
            "description": SIGNING_DESCRIPTION.replace("{example_signature}", example_signature()),
        }
