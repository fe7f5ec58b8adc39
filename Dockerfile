FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY orderagent orderagent
COPY agent agent
COPY channels channels
COPY matching matching
COPY db db
COPY prompts prompts
COPY privacy privacy
COPY console console
RUN pip install --no-cache-dir .
RUN useradd --create-home orderagent
USER orderagent
EXPOSE 8080
CMD ["orderagent", "serve", "--host", "0.0.0.0", "--port", "8080", "--workers", "2", "--no-demo"]
