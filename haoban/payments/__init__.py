"""缴费: payment orders of a case's fees, the payment-provider interface and the local cashier (docs/payments.md)."""
