"""Daily sales report: orders joined to customers and products, ranked per region."""

from pyspark.sql import SparkSession, Window
from pyspark.sql import functions as F

spark = SparkSession.builder.appName("daily-sales").getOrCreate()

orders = spark.read.csv("s3://shop/raw/orders/", header=True, inferSchema=True)
customers = spark.read.parquet("s3://shop/curated/customers")
products = spark.read.parquet("s3://shop/curated/products")

enriched = (
    orders.join(customers, "customer_id")
    .join(F.broadcast(products), "product_id")
    .withColumn("revenue", F.col("quantity") * F.col("unit_price"))
)

daily = enriched.groupBy("order_date", "region").agg(
    F.sum("revenue").alias("revenue"),
    F.countDistinct("customer_id").alias("customers"),
)

ranked = daily.withColumn("rank", F.rank().over(Window.orderBy(F.desc("revenue"))))

if ranked.count() > 0:
    ranked.write.partitionBy("order_date").parquet("s3://shop/gold/daily_sales")

top = ranked.orderBy(F.desc("revenue")).collect()
print(top[:10])
