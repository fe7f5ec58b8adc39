FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY orderagent orderagent
COPY evaluation evaluation
COPY api api
COPY agent agent
COPY channels channels
COPY mailroom mailroom
COPY reading reading
COPY matching matching
COPY privacy privacy
COPY console console
COPY db db
COPY core core
COPY prompts prompts
RUN pip install --no-cache-dir .
RUN useradd --create-home orderagent
USER orderagent
EXPOSE 8080
CMD ["orderagent", "serve", "--host", "0.0.0.0", "--port", "8080", "--workers", "2", "--no-demo"]
